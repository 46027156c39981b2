package api

import (
	"encoding/json"
	"slices"
	"testing"

	"homeward/internal/store"
)

// The notification kinds the document states are the ones the store writes.
func TestOpenAPINotificationKinds(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Components.Schemas["NotificationKind"].Enum
	if !slices.Equal(got, store.NotificationKinds) {
		t.Errorf("NotificationKind enum %v, want %v", got, store.NotificationKinds)
	}
}
