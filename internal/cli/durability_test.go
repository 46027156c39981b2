package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// childServe, set in a test binary's environment, makes it run the
// arguments as `homeward` instead of the tests: the kill -9 test's server.
const childServe = "HOMEWARD_TEST_CHILD_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(childServe) == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// A server killed with SIGKILL while 16 clients add contacts loses none
// of the contacts it acknowledged: each was answered only after the
// commit (one joined commit for the writes waiting together) synced it to
// disk, and the audit chain the restart reads still verifies.
func TestKilledServerKeepsEveryAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ring, _, err := seal.Load(data, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: data, Keyring: ring})
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Who: "test"})
	prog, coord := programWithCoordinator(t, ctx, st)
	if err := st.SetPassword(ctx, coord.ID, "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	const caseCount = 4
	var caseIDs []int64
	for i := range caseCount {
		_, c, err := st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: fmt.Sprintf("KL-%d", i),
			FullName: fmt.Sprintf("Killed Server%c", 'a'+i), Gender: cases.GenderUnstated}}, ProgramID: prog.ID, State: cases.Intake, ActorID: coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		caseIDs = append(caseIDs, c.ID)
	}
	token, _, err := st.CreateAPIToken(ctx, coord.ID, "durability", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	base, kill := startChildServer(t, data)
	const clients, acksBeforeKill = 16, 400
	type ack struct {
		caseID, contactID int64
	}
	var (
		mu     sync.Mutex
		acked  []ack
		killed = make(chan struct{})
		once   sync.Once
		wg     sync.WaitGroup
	)
	client := &http.Client{Timeout: time.Minute}
	for w := range clients {
		wg.Go(func() {
			for i := 0; ; i++ {
				caseID := caseIDs[(w+i)%caseCount]
				// Now: an hour ago would lie before the case's day of opening
				// in the first hour after midnight (UTC).
				body, _ := json.Marshal(map[string]any{"at": time.Now().UTC().Format(time.RFC3339), "channel": "call",
					"minutes": 15, "summary": fmt.Sprintf("Call %d of client %d.", i, w), "needs": []string{}})
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/cases/%d/contacts", base, caseID), bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					select {
					case <-killed:
						return // the server is gone: this write was never acknowledged
					default:
						t.Errorf("add a contact before the kill: %v", err)
						return
					}
				}
				var got struct {
					ID int64 `json:"id"`
				}
				decodeErr := json.NewDecoder(resp.Body).Decode(&got)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || decodeErr != nil {
					select {
					case <-killed:
						return
					default:
						t.Errorf("add a contact: %d %v", resp.StatusCode, decodeErr)
						return
					}
				}
				mu.Lock()
				acked = append(acked, ack{caseID, got.ID})
				n := len(acked)
				mu.Unlock()
				if n == acksBeforeKill {
					once.Do(func() { close(killed); kill() })
				}
			}
		})
	}
	wg.Wait()
	once.Do(func() { close(killed); kill() }) // when the clients failed before
	if t.Failed() {
		return
	}

	st, err = store.Open(context.Background(), store.Options{DataDir: data, Keyring: ring})
	if err != nil {
		t.Fatalf("open after the kill: %v", err)
	}
	defer st.Close()
	stored := map[int64]bool{}
	for _, id := range caseIDs {
		cursor := ""
		for {
			list, next, err := st.Contacts(ctx, id, store.Page{Limit: store.MaxLimit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				stored[c.ID] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}
	missing := 0
	for _, a := range acked {
		if !stored[a.contactID] {
			missing++
		}
	}
	t.Logf("%d contacts acknowledged, %d stored after kill -9", len(acked), len(stored))
	if len(acked) < acksBeforeKill {
		t.Fatalf("only %d contacts acknowledged before the kill, want %d", len(acked), acksBeforeKill)
	}
	if missing > 0 {
		t.Errorf("%d of the %d acknowledged contacts are missing after kill -9", missing, len(acked))
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Errorf("the audit chain after kill -9: %v", err)
	}
}

// programWithCoordinator makes a program whose mentors need no checks and
// its coordinator.
func programWithCoordinator(t *testing.T, ctx context.Context, st *store.Store) (program.Program, auth.User) {
	t.Helper()
	p := program.New()
	p.Name, p.MentorChecks = "Return", nil
	prog, err := st.CreateProgram(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	coord, err := st.CreateUser(ctx, auth.User{Email: "coord@example.org", Name: "Cora", Role: auth.Coordinator, Programs: []int64{prog.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return prog, coord
}

// startChildServer runs this test binary as `homeward serve` on data in a
// child process, waits until it is ready, and returns its address and a
// function that kills it with SIGKILL and waits for it.
func startChildServer(t *testing.T, data string) (base string, kill func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "serve", "--data", data, "--addr", addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOMEWARD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childServe+"=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logFile.Close(); close(done) }()
	kill = func() { _ = cmd.Process.Kill(); <-done }
	t.Cleanup(kill)
	base = "http://" + addr
	ready := time.NewTicker(50 * time.Millisecond)
	defer ready.Stop()
	for {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, kill
			}
		}
		select {
		case <-done:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("the server stopped at start:\n%s", log)
		case <-ready.C:
		}
	}
}
