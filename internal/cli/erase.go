package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
)

// runErase is the admin's erasure of a person (GDPR art. 17) from the
// command line: the admin named by --as approves it directly, with the case
// id typed a second time in --confirm, and the audit says so
// (erasure.direct, then mentee.erase, by the admin). A request a
// coordinator asked for that waits is closed by it.
func runErase(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("erase", "Erase the person of a case at once, as the administrator: their data key is destroyed,\n"+
		"every readable field of theirs blanked, partners' shared copies erased, open referrals\n"+
		"withdrawn and their portal account deleted; the case stays as anonymous figures, so\n"+
		"reports do not change. It cannot be undone. Backups made before keep the person sealed\n"+
		"until the key-encryption keys older than the backup retention period are destroyed.", stderr)
	var db dbFlags
	db.register(fs)
	caseID := fs.Int64("case", 0, "the id of the case whose person is erased")
	as := fs.String("as", "", "the email address of the administrator who approves the erasure")
	reason := fs.String("reason", string(cases.ErasurePersonAsked), "why: person_asked, consent_withdrawn, no_longer_needed, objected or legal_duty")
	confirm := fs.String("confirm", "", "the case id again, to confirm that this person is to be erased")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if *caseID <= 0 {
		return fmt.Errorf("--case: give the id of the case whose person is erased")
	}
	if *confirm != strconv.FormatInt(*caseID, 10) {
		return fmt.Errorf("--confirm: type the case id (%d) again to confirm the erasure; nothing was erased", *caseID)
	}
	if err := cases.CheckErasureReason(cases.ErasureReason(*reason)); err != nil {
		return fmt.Errorf("--reason %q: one of person_asked, consent_withdrawn, no_longer_needed, objected, legal_duty", *reason)
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, keys: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	admin, _, err := st.UserForLogin(ctx, *as)
	if err != nil || admin.Role != auth.Admin || admin.Status != auth.StatusActive {
		return fmt.Errorf("--as %q: give the email address of an active administrator", *as)
	}
	ctx = audit.WithActor(ctx, audit.Actor{Who: fmt.Sprintf("user:%d", admin.ID)})
	req, err := st.EraseDirectly(ctx, *caseID, cases.ErasureReason(*reason), admin.ID)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "erased the person of case %d (erasure request %d); the case is now %s\n", *caseID, req.ID, req.CaseCode)
	fmt.Fprintln(stderr, "The person is gone from the live database. Backups made before hold them sealed until the key-encryption keys older than the backup retention period are destroyed.")
	return nil
}
