package audit

import "slices"

// Actions lists every action code Homeward writes to the log. The audit
// viewer says each in words (the catalogue key "audit.action." + code); a
// test reads every place that writes an entry and fails when a code is
// missing here or has no words in a language.
var Actions = []string{
	"calendar_feed.create", "calendar_feed.revoke",
	"case.bulk_create", "case.closing_agree", "case.import", "case.contacts_read", "case.create", "case.custody_read",
	"case.custody_write", "case.export", "case.feedback_read", "case.final_meeting", "case.follow_ups_read",
	"case.match", "case.match_end", "case.match_profile", "case.match_profile_read", "case.matches_read", "case.needs_assess",
	"case.notes_read", "case.outcomes_read", "case.plan_read", "case.psychologist", "case.requests_read", "case.transition",
	"case.transitions_read",
	"consent.record",
	"contact.add", "contact.add_backdated",
	"data_key.destroy",
	"directory.export", "directory.import",
	"erasure.approve", "erasure.ask", "erasure.direct", "erasure.refuse", "erasure.retention",
	"facility.create", "facility.update",
	"feedback.save",
	"factor.passkey_add", "factor.passkey_remove", "factor.recovery_code_used", "factor.recovery_codes",
	"factor.totp_add", "factor.totp_remove",
	"follow_up.record",
	"job.retry",
	"kept_form.open",
	"keys.rotate_batch",
	"link.create_invite", "link.create_reset", "link.create_setup",
	"link.use_invite", "link.use_reset", "link.use_setup",
	"login.failure", "login.password_ok", "login.second_factor_failure", "login.second_factor_passkey",
	"login.second_factor_recovery_code", "login.second_factor_totp", "login.success",
	"matching.confirm", "matching.pool_read",
	"mentee.create", "mentee.duplicate_read", "mentee.erase", "mentee.export", "mentee.export_all", "mentee.history_read", "mentee.history_sharing",
	"mentee.history_sharing_reset", "mentee.history_write", "mentee.link_user", "mentee.name_read", "mentee.portal_active", "mentee.portal_disabled", "mentee.portal_link", "mentee.portal_read",
	"mentee.profile_read", "mentee.update",
	"mentor.accept", "mentor.apply", "mentor.availability", "mentor.bulk_create", "mentor.check",
	"mentor.from_account", "mentor.names_read", "mentor.note_create", "mentor.notes_read", "mentor.profile",
	"mentor.read", "mentor.stage_accepted", "mentor.stage_checks", "mentor.stage_interview", "mentor.stage_new",
	"mentor.stage_rejected", "mentor.stage_retired", "mentor.training_confirm", "mentor.training_report",
	"mentor.training_withdraw",
	"note.add",
	"notification.read",
	"outcome.add", "outcome.add_backdated",
	"partner.create", "partner.update",
	"plan_step.add", "plan_step.update",
	"program.create", "program.update",
	"referral.create", "referral.event", "referral.events_read", "referral.inbox_read", "referral.read",
	"referral.send", "referral.shared_erased", "referral.update",
	"report.export",
	"request.add", "request.read", "request.update",
	"retention.hold", "retention.lift",
	"service.create", "service.update",
	"session.end", "session.proof_failure", "session.proved_passkey", "session.proved_password",
	"session.proved_recovery_code", "session.proved_totp",
	"token.create", "token.revoke",
	"totp.secret_read",
	"training_module.create", "training_module.update",
	"user.active", "user.bulk_create", "user.create", "user.disabled", "user.erase", "user.link_mail",
	"user.notification_settings", "user.password_set", "user.sessions_end", "user.time_zone", "user.update",
}

// Kinds lists every kind of record an entry names (its object type). The
// viewer says each in words ("audit.kind." + kind). Entries written before
// migration 12 name a partner "organization".
var Kinds = []string{
	"api_token", "calendar_feed", "case", "contact", "data_key", "directory", "erasure_request", "facility", "follow_up", "job", "mentee", "mentor",
	"note", "organization", "outcome", "partner", "passkey", "plan_step", "program", "referral", "request",
	"service", "session", "training_module", "user",
}

// KnownAction reports whether code is one of Actions.
func KnownAction(code string) bool { return slices.Contains(Actions, code) }

// KnownKind reports whether kind is one of Kinds.
func KnownKind(kind string) bool { return slices.Contains(Kinds, kind) }
