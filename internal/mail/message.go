package mail

import (
	"slices"
	"strings"

	"homeward/internal/i18n"
)

// The pages the e-mails link to.
const (
	inboxPath   = "/notifications"
	accountPath = "/account#notification-settings"
)

// AtOnce is the e-mail of one notification of kind: what kind of thing
// happened and a link to the inbox, nothing of the record itself.
func AtOnce(p *i18n.Printer, site, kind string) Message {
	what := p.T("mail.kind." + kind)
	var b strings.Builder
	b.WriteString(p.T("mail.at_once_intro") + "\n\n")
	b.WriteString("  " + p.N("mail.count", 1, "kind", what) + "\n\n")
	footer(&b, p, site)
	return Message{Subject: p.T("mail.at_once_subject", "kind", what), Body: b.String()}
}

// Digest is the daily e-mail: how many notifications of each kind (in the
// order of kinds), and a link to the inbox.
func Digest(p *i18n.Printer, site string, kinds []string, counts map[string]int) Message {
	var b strings.Builder
	b.WriteString(p.T("mail.digest_intro") + "\n\n")
	total := 0
	for _, k := range kinds {
		if n := counts[k]; n > 0 {
			total += n
			b.WriteString("  " + p.N("mail.count", n, "kind", p.T("mail.kind."+k)) + "\n")
		}
	}
	// Kinds not in the list (none today) still count.
	var rest []string
	for k := range counts {
		if !slices.Contains(kinds, k) && counts[k] > 0 {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		total += counts[k]
		b.WriteString("  " + p.N("mail.count", counts[k], "kind", p.T("mail.kind."+k)) + "\n")
	}
	b.WriteString("\n")
	footer(&b, p, site)
	return Message{Subject: p.N("mail.digest_subject", total), Body: b.String()}
}

// Link is the e-mail of a one-time link (purpose "invitation" or "reset"):
// the link and when it expires, no name.
func Link(p *i18n.Printer, purpose, link string, hours int) Message {
	var b strings.Builder
	b.WriteString(p.T("mail."+purpose+"_intro") + "\n\n")
	b.WriteString("  " + link + "\n\n")
	b.WriteString(p.N("mail.link_expires", hours) + "\n")
	b.WriteString(p.T("mail.link_ignore") + "\n")
	return Message{Subject: p.T("mail." + purpose + "_subject"), Body: b.String()}
}

func footer(b *strings.Builder, p *i18n.Printer, site string) {
	b.WriteString(p.T("mail.open", "link", site+inboxPath) + "\n\n")
	b.WriteString("-- \n")
	b.WriteString(p.T("mail.no_personal_data") + "\n")
	b.WriteString(p.T("mail.settings", "link", site+accountPath) + "\n")
}
