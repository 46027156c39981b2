package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"homeward/internal/errs"
)

func TestPasswordHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher()
	phc, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("PHC string %q does not state the parameters", phc)
	}
	if again, _ := h.Hash(ctx, "correct horse battery"); again == phc {
		t.Error("two hashes of one password are equal: no salt")
	}
	if ok, err := h.Verify(ctx, phc, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if ok, _ := h.Verify(ctx, phc, "correct horse batterY"); ok {
		t.Error("wrong password accepted")
	}
	if ok, err := h.Verify(ctx, "", "anything at all"); ok || err != nil {
		t.Errorf("unknown account: ok=%v err=%v, want a plain no", ok, err)
	}
	for _, bad := range []string{"$2a$10$bcrypt", "$argon2id$v=19$m=1,t=1,p=1$x$y", "plain"} {
		if ok, err := h.Verify(ctx, bad, "x"); ok || err == nil {
			t.Errorf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                   false,
		"elevenchars":             false,
		"twelve chars":            true,
		"пароль из кириллицы":     true,
		strings.Repeat("x", 128):  true,
		strings.Repeat("x", 129):  false,
		"bad utf8 \xff\xfe 12345": false,
	} {
		err := CheckPassword("password", pw)
		if (err == nil) != ok {
			t.Errorf("%q: %v, want ok=%v", pw, err, ok)
		}
		if err != nil && errs.As(err).Fields["password"] != "validation.password_length" {
			t.Errorf("%q: the error does not name the field", pw)
		}
	}
}

func TestTokens(t *testing.T) {
	a, ha := NewToken(SessionToken)
	b, _ := NewToken(SessionToken)
	if a == b || !strings.HasPrefix(a, "hws_") || len(a) < 4+43 {
		t.Errorf("tokens %q %q", a, b)
	}
	if !bytes.Equal(HashToken(a), ha) || bytes.Equal(HashToken(b), ha) {
		t.Error("HashToken does not match NewToken's hash")
	}
	if strings.Contains(string(ha), a) {
		t.Error("the hash holds the token")
	}
}
