package cases

import "testing"

func TestSortNeedsPutsCriticalFirst(t *testing.T) {
	t.Parallel()
	needs := []Need{{Domain: "income", Severity: Low}, {Domain: "housing", Severity: Medium}, {Domain: "safety", Severity: Critical}, {Domain: "employment", Severity: Critical}}
	SortNeeds(needs, []string{"housing", "income", "employment", "safety"})
	got := []string{needs[0].Domain, needs[1].Domain, needs[2].Domain, needs[3].Domain}
	want := []string{"employment", "safety", "housing", "income"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}
