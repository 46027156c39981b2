package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"homeward/internal/cases"
)

// Every person here is invented: first names and surnames common among
// Belarusian, Ukrainian, Russian and Czech people, combined at random, in
// Latin letters or in Cyrillic as people write their own names.

// nameSet is a pool of names written one way.
type nameSet struct {
	male, female []string
	// surnames are {male, female} forms; one form serves both when the
	// language does not inflect it.
	surnames [][2]string
}

var (
	belarusianLatin = nameSet{
		male:   []string{"Aliaksandr", "Siarhei", "Ihar", "Dzmitry", "Andrei", "Uladzimir", "Maksim", "Yauhen", "Pavel", "Aliaksei", "Mikalai", "Viktar", "Artsiom", "Raman", "Yury", "Zmitser", "Ales"},
		female: []string{"Volha", "Tatsiana", "Hanna", "Katsiaryna", "Palina", "Nasta", "Iryna", "Maryia", "Alena", "Darya", "Yulia", "Sviatlana", "Liudmila", "Veranika"},
		surnames: [][2]string{{"Kavalenka", ""}, {"Mikhalevich", ""}, {"Rusak", ""}, {"Laptsionak", ""}, {"Zhuk", ""}, {"Hrytsevich", ""},
			{"Naumenka", ""}, {"Ivashkevich", ""}, {"Kasciukevich", ""}, {"Sakalou", "Sakalova"}, {"Shautsou", "Shautsova"},
			{"Prakopchyk", ""}, {"Dubouski", "Dubouskaya"}, {"Karpovich", ""}, {"Lysenka", ""}, {"Tsitovich", ""},
			{"Marozau", "Marozava"}, {"Yakimovich", ""}, {"Paliakou", "Paliakova"}, {"Hurynovich", ""}},
	}
	belarusianCyrillic = nameSet{
		male:   []string{"Алесь", "Андрэй", "Зміцер", "Сяргей", "Ігар", "Павел", "Уладзімір", "Мікалай", "Артур", "Віталь"},
		female: []string{"Вольга", "Ганна", "Кацярына", "Наста", "Алена", "Марыя", "Таццяна", "Юлія"},
		surnames: [][2]string{{"Кавалёў", "Кавалёва"}, {"Шыманскі", "Шыманская"}, {"Лукашэвіч", ""}, {"Грыцук", ""},
			{"Навіцкі", "Навіцкая"}, {"Равенка", ""}, {"Жукоўскі", "Жукоўская"}, {"Сідаровіч", ""}, {"Мацкевіч", ""}, {"Бурак", ""}},
	}
	russianCyrillic = nameSet{
		male:   []string{"Дмитрий", "Алексей", "Сергей", "Михаил", "Илья", "Олег", "Артём", "Николай"},
		female: []string{"Наталья", "Ирина", "Екатерина", "Анастасия", "Мария", "Ольга", "Светлана"},
		surnames: [][2]string{{"Соколов", "Соколова"}, {"Кузнецов", "Кузнецова"}, {"Лебедев", "Лебедева"}, {"Морозов", "Морозова"},
			{"Волков", "Волкова"}, {"Орлов", "Орлова"}, {"Зайцев", "Зайцева"}, {"Белов", "Белова"}},
	}
	russianLatin = nameSet{
		male:   []string{"Dmitry", "Alexei", "Sergei", "Mikhail", "Ilya", "Oleg", "Artyom"},
		female: []string{"Natalia", "Irina", "Ekaterina", "Anastasia", "Maria", "Olga"},
		surnames: [][2]string{{"Sokolov", "Sokolova"}, {"Kuznetsov", "Kuznetsova"}, {"Lebedev", "Lebedeva"}, {"Morozov", "Morozova"},
			{"Volkov", "Volkova"}, {"Orlov", "Orlova"}},
	}
	ukrainianCyrillic = nameSet{
		male:   []string{"Олександр", "Тарас", "Богдан", "Андрій", "Володимир", "Юрій", "Остап", "Микола", "Василь"},
		female: []string{"Оксана", "Ірина", "Наталія", "Олена", "Тетяна", "Галина", "Соломія", "Марія"},
		surnames: [][2]string{{"Коваленко", ""}, {"Шевчук", ""}, {"Бондаренко", ""}, {"Мельник", ""}, {"Ткаченко", ""},
			{"Кравчук", ""}, {"Олійник", ""}, {"Савчук", ""}, {"Гончаренко", ""}, {"Литвиненко", ""}},
	}
	ukrainianLatin = nameSet{
		male:   []string{"Oleksandr", "Taras", "Bohdan", "Andrii", "Volodymyr", "Yurii", "Ostap", "Mykola", "Vasyl", "Dmytro"},
		female: []string{"Oksana", "Iryna", "Nataliia", "Olena", "Tetiana", "Halyna", "Solomiia", "Mariia", "Khrystyna"},
		surnames: [][2]string{{"Kovalenko", ""}, {"Shevchuk", ""}, {"Bondarenko", ""}, {"Melnyk", ""}, {"Tkachenko", ""},
			{"Kravchuk", ""}, {"Oliinyk", ""}, {"Savchuk", ""}, {"Honcharenko", ""}, {"Lytvynenko", ""}, {"Marchenko", ""}},
	}
	czech = nameSet{
		male:   []string{"Tomáš", "Petr", "Jan", "Martin", "Lukáš", "Jakub", "David", "Ondřej", "Michal", "Radek", "Zdeněk"},
		female: []string{"Jana", "Lucie", "Kateřina", "Petra", "Markéta", "Veronika", "Tereza", "Lenka"},
		surnames: [][2]string{{"Novák", "Nováková"}, {"Dvořák", "Dvořáková"}, {"Procházka", "Procházková"}, {"Svoboda", "Svobodová"},
			{"Černý", "Černá"}, {"Horák", "Horáková"}, {"Kučera", "Kučerová"}, {"Veselý", "Veselá"}, {"Marek", "Marková"},
			{"Pokorný", "Pokorná"}, {"Krejčí", "Krejčí"}, {"Beneš", "Benešová"}},
	}
)

// person draws a name of a gender from the set.
func (ns nameSet) person(rng *rand.Rand, g cases.Gender) string {
	first := ns.male
	if g == cases.Female {
		first = ns.female
	}
	sn := ns.surnames[rng.IntN(len(ns.surnames))]
	last := sn[0]
	if g == cases.Female && sn[1] != "" {
		last = sn[1]
	}
	return first[rng.IntN(len(first))] + " " + last
}

// place is a city where people of a program live.
type place struct {
	city, country string
}

// community is who a program supports: where they live, the names they
// carry, the languages they speak and the words of their histories.
type community struct {
	code      string // prefix of case codes
	places    []place
	names     []nameSet
	languages [][]string
	political bool // persecuted for their views (the history reads so)
	women     bool // a program for women only
}

// communities of the three modelled programs, and of the generated ones.
var (
	exiles = community{code: "VOL",
		places:    []place{{"Vilnius", "LT"}, {"Warszawa", "PL"}, {"Białystok", "PL"}, {"Tbilisi", "GE"}, {"Batumi", "GE"}, {"Berlin", "DE"}, {"Kaunas", "LT"}},
		names:     []nameSet{belarusianLatin, belarusianLatin, belarusianCyrillic, russianCyrillic},
		languages: [][]string{{"be", "ru"}, {"ru"}, {"be", "ru", "pl"}, {"ru", "en"}, {"be", "ru", "lt"}},
		political: true}
	returning = community{code: "MPR",
		places:    []place{{"Praha", "CZ"}, {"Brno", "CZ"}, {"Ostrava", "CZ"}, {"Plzeň", "CZ"}, {"Ústí nad Labem", "CZ"}, {"Olomouc", "CZ"}},
		names:     []nameSet{czech, czech, czech, ukrainianLatin},
		languages: [][]string{{"cs"}, {"cs"}, {"cs", "uk"}, {"cs", "sk"}}}
	refugees = community{code: "NN",
		places:    []place{{"Praha", "CZ"}, {"Brno", "CZ"}, {"Kraków", "PL"}, {"Wrocław", "PL"}, {"Liberec", "CZ"}},
		names:     []nameSet{ukrainianLatin, ukrainianCyrillic, ukrainianLatin, russianLatin, belarusianLatin},
		languages: [][]string{{"uk", "ru"}, {"uk"}, {"uk", "en"}, {"ru", "uk"}}}
	mixed = community{code: "HW",
		places: []place{{"Vilnius", "LT"}, {"Warszawa", "PL"}, {"Praha", "CZ"}, {"Brno", "CZ"}, {"Berlin", "DE"}, {"Kraków", "PL"},
			{"Tbilisi", "GE"}, {"Ostrava", "CZ"}},
		names:     []nameSet{belarusianLatin, ukrainianLatin, russianLatin, czech, belarusianCyrillic, ukrainianCyrillic, russianCyrillic},
		languages: [][]string{{"be", "ru"}, {"uk"}, {"ru"}, {"cs"}, {"uk", "ru"}, {"pl", "uk"}}}
)

// family is a person's family in their words, for the people it fits:
// a gender ("" for anyone), the children it counts (-1 when it says
// nothing of them) and whether it speaks of a sentence or the police at
// home (only for people who were imprisoned or persecuted).
type family struct {
	text     string
	gender   cases.Gender
	children int
	custody  bool
}

var (
	families = []family{
		{"Married, two children; the family stayed at home for now.", "", 2, false},
		{"Single; parents live in the home town and are visited by the police now and then.", "", 0, true},
		{"Single; parents help with the first rent.", "", 0, false},
		{"Divorced, one son of 9 who lives with his mother.", cases.Male, 1, false},
		{"Divorced, one son of 9 who lives with his father.", cases.Female, 1, false},
		{"Lives with a partner who came out too; no children.", "", 0, true},
		{"Married; his wife and daughter joined six months later.", cases.Male, 1, false},
		{"Married; her husband and daughter joined six months later.", cases.Female, 1, false},
		{"Single, cares for an ill mother at a distance.", "", 0, false},
		{"Widowed, one adult daughter abroad.", "", 1, false},
		{"A partner and a baby born during the sentence.", "", 1, true},
		{"Lives alone; a brother in the next town helps now and then.", "", 0, false},
		{"Two teenage children at school here; her husband stayed in the army.", cases.Female, 2, false},
		{"Two teenage children at school here; his wife works shifts.", cases.Male, 2, false},
		{"", "", -1, false},
	}
	occupations = []string{"IT specialist", "Journalist", "Electrician", "Teacher", "Student", "Truck driver", "Nurse",
		"Welder", "Accountant", "Cook", "Builder", "Designer", "Lawyer", "Mechanic", "Shop assistant", "Photographer",
		"Warehouse worker", "Doctor", "Programmer", "Unemployed"}
	contactTimes       = []string{"Evenings after 18:00", "Weekdays 10:00–16:00", "Mornings only", "Weekends", "Any time by message, calls after 17:00", ""}
	referralsPolitical = []string{"Initiative team", "Dissidentby", "Another mentee", "Self-referral via the website",
		"Human-rights centre", "Partner organisation in Vilnius", "Legal aid initiative"}
	referralsPrison = []string{"Probation officer", "Prison social worker", "Prison chaplain", "Self-referral via the website",
		"Family member", "Partner organisation"}
	referralsRefugee = []string{"Reception centre", "Self-referral via the website", "Another mentee", "City integration office",
		"Volunteer hotline", "Partner organisation"}
)

// contactChannel invents safe ways to reach a person (sealed).
func contactChannel(rng *rand.Rand, country string) string {
	prefix := map[string]string{"LT": "+370 6", "PL": "+48 5", "GE": "+995 5", "DE": "+49 15", "CZ": "+420 7"}[country]
	if prefix == "" {
		prefix = "+420 7"
	}
	phone := fmt.Sprintf("%s%02d %03d %03d", prefix, rng.IntN(100), rng.IntN(1000), rng.IntN(1000))
	switch rng.IntN(4) {
	case 0:
		return "Signal " + phone + "; never an SMS."
	case 1:
		return "Telegram (secret chat) via " + phone + "; calls only from a known number."
	case 2:
		return "Phone " + phone + ", WhatsApp in the evening."
	}
	return "Email through the initiative's coordinator; phone " + phone + " only in emergencies."
}

// history invents the sealed history of a person.
func history(rng *rand.Rand, com community, city string) map[cases.HistoryPart]string {
	pick := func(l ...string) string { return l[rng.IntN(len(l))] }
	years := 1 + rng.IntN(5)
	if com.political {
		return map[cases.HistoryPart]string{
			cases.Persecution: pick(
				"Took part in the 2020 protests; dismissed from work after signing an open letter.",
				"Ran a neighbourhood chat during the protests; named an extremist in the state media.",
				"Donated to a solidarity fund; the bank reported the payment.",
				"Wrote for an independent outlet; colleagues were arrested in the same week."),
			cases.Arrests: pick(
				"Detained twice in 2020, 15 days each; flat searched in 2021, phone and laptop seized.",
				"Arrested at home at 6 in the morning; a search of the parents' flat the same day.",
				"Stopped at the border, held for 72 hours, then charged."),
			cases.Sentence: fmt.Sprintf("Sentenced to %d years of general-regime colony under art. 342; served in penal colony No. %d. Released %s, left the country within a month for %s.",
				years, 1+rng.IntN(22), pick("in an amnesty", "at the end of the term", "after a pardon request"), city),
			cases.CriminalRecord: "Conviction under art. 342 on record; on the list of 'extremists'.",
			cases.Health: pick("Back pain since the colony; sleeps badly.", "Lost 15 kg in custody; teeth need treatment.",
				"Panic attacks in crowded places; sees a psychologist now and then.", "No complaints mentioned."),
		}
	}
	return map[cases.HistoryPart]string{
		cases.Sentence: fmt.Sprintf("%d years for %s; served in %s.", years,
			pick("theft", "fraud", "drug possession", "robbery", "bodily harm", "unpaid maintenance"),
			pick("Věznice Pankrác", "Věznice Bory", "Věznice Rýnovice", "Věznice Kuřim", "Věznice Heřmanice")),
		cases.CriminalRecord: pick("Two earlier suspended sentences.", "First conviction.", "Earlier conviction in 2014, served 18 months."),
		cases.Health: pick("Hepatitis C treated in prison; check-ups continue.", "Substitution therapy; needs a doctor outside.",
			"Diabetes; needs a GP and insulin prescription.", "No complaints mentioned."),
	}
}

// domainText are the words of the demo for each need domain: plan steps,
// requests raised, and what contacts talk about.
var domainText = map[string]struct {
	steps, requests, talk []string
}{
	"housing": {
		[]string{"Find a room for the next three months", "Register the address at the city office", "Apply for social housing"},
		[]string{"The lease ends in two weeks; needs a new room.", "The landlord wants a deposit of two rents; asks who could help.", "Mould in the flat; asks how to talk to the landlord."},
		[]string{"looked at rooms together online", "went through the lease", "talked about moving out of the hostel"}},
	"income": {
		[]string{"Apply for the emergency grant", "Open a bank account", "Apply for the one-off support payment"},
		[]string{"Cannot pay the rent this month; asks which initiative gives grants.", "The bank refused an account; asks what papers are needed.", "Needs money for the work permit fee."},
		[]string{"made a monthly budget", "talked about the grant application", "checked the bank's answer"}},
	"employment": {
		[]string{"Write a CV and send it to three employers", "Register at the labour office", "Go to the job fair"},
		[]string{"Wants help with a CV in the local language.", "Has an interview on Monday; asks to rehearse.", "The employer does not pay on time; asks what to do."},
		[]string{"rehearsed the interview", "went through job offers", "talked about the first weeks at the new job"}},
	"education": {
		[]string{"Enrol in the language course", "Get the diploma recognised", "Apply for the retraining course"},
		[]string{"Asks for a free language course in the evening.", "Needs the diploma translated and certified.", "Wants to finish the interrupted studies."},
		[]string{"talked about the language course", "looked at retraining options", "practised the language"}},
	"documents": {
		[]string{"Book the residence permit appointment", "Get a new passport or travel document", "Apply for humanitarian visa extension"},
		[]string{"The residence permit appointment needs a translator.", "The passport expires in three months; asks about the options.", "Lost the temporary ID; asks how to replace it."},
		[]string{"filled in the residence permit form", "talked about the visa extension", "checked the list of documents"}},
	"legal_debt": {
		[]string{"Meet the debt counsellor", "Ask the lawyer about the fines", "Apply for insolvency"},
		[]string{"A letter from a debt collector came; asks for a lawyer.", "The court sent a fine; asks whether to pay.", "Wants to understand the insolvency procedure."},
		[]string{"went through the debt letters", "prepared questions for the lawyer", "talked about the payment plan"}},
	"family": {
		[]string{"Call the school about enrolment", "Meet the family-law counsellor", "Plan a visit of the children"},
		[]string{"Asks for advice on the child's school enrolment.", "The ex-partner refuses contact with the children; asks for help.", "Parents want to come; asks about their visa."},
		[]string{"talked about the children", "talked about the family's move", "prepared the meeting at the school"}},
	"physical_health": {
		[]string{"Register with a GP", "See a dentist", "Get health insurance"},
		[]string{"Needs a dentist who treats without insurance.", "Back pain is worse; asks for a doctor who speaks Russian.", "Needs a prescription renewed."},
		[]string{"talked about the doctor's appointment", "checked the insurance letter", "talked about the treatment"}},
	"mental_health": {
		[]string{"First session with the psychologist", "Join the peer support group"},
		[]string{"Sleeps badly and has nightmares; asks for a psychologist.", "Feels low since the news from home; asks to talk.", "Asks for a support group of former prisoners."},
		[]string{"mostly listened; a hard week", "talked about sleep and routines", "talked about the support group"}},
	"substance_use": {
		[]string{"Attend a support group meeting", "Meet the addiction counsellor"},
		[]string{"Asks about a support group near home.", "Had a relapse at the weekend; asks to talk."},
		[]string{"talked about the support group", "checked in after the weekend"}},
	"social": {
		[]string{"Visit the community centre", "Join a sports club", "Meet the diaspora volunteers"},
		[]string{"Feels alone; asks for a community group.", "Wants to volunteer; asks where.", "Asks about a choir or a sports club."},
		[]string{"talked about new friends", "went to the community evening together", "talked about volunteering"}},
	"safety": {
		[]string{"Change phone number and privacy settings", "Report the threats to the police"},
		[]string{"Got threatening messages; asks what to do.", "Relatives at home were visited by the police; asks for advice.", "Worries about travelling through a third country."},
		[]string{"checked the phone's privacy settings", "talked about safety when travelling", "talked about the threats"}},
}

// domainWords returns the words of a domain, falling back to a generic one
// for domains a program added itself.
func domainWords(d string) (steps, requests, talk []string) {
	if w, ok := domainText[d]; ok {
		return w.steps, w.requests, w.talk
	}
	name := strings.ReplaceAll(d, "_", " ")
	return []string{"Take the first step on " + name},
		[]string{"Asks for help with " + name + "."},
		[]string{"talked about " + name}
}

var (
	contactOpenings = map[cases.Channel][]string{
		cases.Call:        {"Call:", "Phone call:", "Called in the evening:"},
		cases.Video:       {"Video call:", "Video call, camera off:"},
		cases.InPerson:    {"Met in a café:", "Met at the office:", "Walk in the park:"},
		cases.Message:     {"Messages:", "Chat:"},
		cases.Letter:      {"Letter:"},
		cases.PrisonVisit: {"Prison visit:"},
	}
	quietTalk = []string{"a calm week, nothing new", "short check-in, all is fine", "talked about plans for the summer",
		"things are settling; less to do", "just news, no questions"}
	noteTexts = map[cases.Visibility][]string{
		cases.VisibleMentor: {"Prefers messages to calls during working hours.", "Do not mention the family at home on the phone.",
			"Is proud of the new job; worth acknowledging.", "Worried about the appointment on Friday; offered to go along."},
		cases.VisibleTeam: {"The partner organisation confirmed the grant.", "Asked the lawyer for a second opinion on the fine.",
			"The mentor change went well.", "Check the consent to partner sharing before the referral."},
		cases.VisiblePsychologist: {"Signs of burnout; suggested weekly sessions for a month.", "Sleep better; sessions every two weeks now.",
			"Spoke about the arrest for the first time."},
	}
	feedbackTexts = []string{
		"Thank you for listening when I could not talk to anyone else.",
		"The first weeks were the most important. Now I manage on my own.",
		"Sometimes the answers took long, but my mentor always came back to me.",
		"I found work and a flat. I would like to become a mentor myself one day.",
		"",
	}
	withdrawReasons = []string{"Moved to another country and no longer needs support.", "Decided to stop; thanks the team.",
		"Found support from family; asked to close."}
	transferReasons = []string{"Moved to Berlin; handed over to a partner program there.", "Moved to another city; handed over to the program there."}
	lostReasons     = []string{"No answer to calls or messages for six weeks.", "The phone number no longer works; the partner organisation has no news either."}
)

// transferWomen is a transfer reason only a woman's case gives.
const transferWomen = "Transferred to the women's re-entry program at her request."

// emailLocal folds a name into the local part of an email address.
func emailLocal(name string) string {
	fold := strings.NewReplacer("á", "a", "č", "c", "ď", "d", "é", "e", "ě", "e", "í", "i", "ň", "n", "ó", "o", "ř", "r",
		"š", "s", "ť", "t", "ú", "u", "ů", "u", "ý", "y", "ž", "z", "ł", "l", "ą", "a", "ę", "e", "ś", "s", "ć", "c", "ń", "n", "ż", "z", "ź", "z")
	var b strings.Builder
	for _, r := range fold.Replace(strings.ToLower(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('.')
		}
	}
	return b.String()
}

// mentorNames are the demo's volunteer mentors (Latin letters: they sign in).
var mentorNames = []string{"Alena Kavaliova", "Pavel Horák", "Iryna Tkachenko", "Jakub Svoboda", "Maryia Sidarovich",
	"Kateřina Veselá", "Andrei Rusak", "Oksana Melnyk", "Tomáš Beneš", "Volha Karpovich", "Ostap Savchuk", "Lucie Marková",
	"Siarhei Hurynovich", "Halyna Oliinyk", "Martin Kučera", "Darya Paliakova", "Yurii Lytvynenko", "Petra Pokorná",
	"Raman Marozau", "Tereza Černá", "Mikalai Yakimovich", "Solomiia Kravchuk", "Ondřej Dvořák", "Veranika Dubouskaya"}

// familyOf draws a family that fits a person of gender g (custody: one who
// was imprisoned or persecuted), and the number of children it speaks of,
// or one drawn when it says nothing of them.
func familyOf(rng *rand.Rand, g cases.Gender, custody bool) (string, int) {
	var fit []family
	for _, f := range families {
		if (f.gender == "" || f.gender == g) && (custody || !f.custody) {
			fit = append(fit, f)
		}
	}
	f := pick(rng, fit)
	if f.children < 0 {
		return f.text, rng.IntN(3)
	}
	return f.text, f.children
}

// transferReason draws why a person's case was transferred.
func transferReason(rng *rand.Rand, g cases.Gender) string {
	if g == cases.Female && rng.IntN(3) == 0 {
		return transferWomen
	}
	return pick(rng, transferReasons)
}

// otherGiven are the first names of the hand-made volunteers that no name
// set holds, with their gender.
var otherGiven = map[string]cases.Gender{"Eva": cases.Female, "Anna": cases.Female, "Marta": cases.Female,
	"Viktor": cases.Male, "Roman": cases.Male, "Igor": cases.Male}

// genderOf is the gender a person's first name says, "" when the demo does
// not know the name (an account such as "Demo mentor").
func genderOf(name string) cases.Gender {
	first, _, _ := strings.Cut(name, " ")
	if g, ok := otherGiven[first]; ok {
		return g
	}
	for _, ns := range []nameSet{belarusianLatin, belarusianCyrillic, russianCyrillic, russianLatin, ukrainianCyrillic, ukrainianLatin, czech} {
		switch {
		case slices.Contains(ns.male, first):
			return cases.Male
		case slices.Contains(ns.female, first):
			return cases.Female
		}
	}
	return ""
}

// profileGender is the gender a volunteer named as of gender g gives in
// their profile: theirs, or now and then none; one whose name says nothing
// gives any.
func profileGender(rng *rand.Rand, g cases.Gender) string {
	if g == "" {
		return pick(rng, []string{"female", "male", "female", ""})
	}
	if rng.IntN(6) == 0 {
		return ""
	}
	return string(g)
}
