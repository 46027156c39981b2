package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"homeward/internal/errs"
)

func TestPasswordHashAndVerify(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

func TestHashesOfOtherCostsStillVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cheap := NewHasherWith(Params{MemoryKiB: 1024, Time: 1, Threads: 1})
	def := NewHasher()
	phc, err := cheap.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("PHC string %q does not state the lowered costs", phc)
	}
	if ok, err := def.Verify(ctx, phc, "correct horse battery"); !ok || err != nil {
		t.Errorf("a default hasher does not verify a cheaper hash: %v %v", ok, err)
	}
	if ok, _ := def.Verify(ctx, phc, "wrong horse battery"); ok {
		t.Error("a wrong password verified against a cheaper hash")
	}
	strong, err := def.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cheap.Verify(ctx, strong, "correct horse battery"); !ok || err != nil {
		t.Errorf("a cheap hasher does not verify a default hash: %v %v", ok, err)
	}
	// Below the least memory a hash may claim, it is refused, not verified.
	weak := strings.Replace(phc, "m=1024", "m=512", 1)
	if ok, err := def.Verify(ctx, weak, "correct horse battery"); ok || err == nil {
		t.Errorf("a hash claiming 512 KiB verified: %v %v", ok, err)
	}
	if NewHasherWith(Params{}).params != (Params{MemoryKiB: 1024, Time: 1, Threads: 1}) {
		t.Error("zero costs were not raised to the least allowed")
	}
}
