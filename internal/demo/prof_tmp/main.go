package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"homeward/internal/demo"
	"homeward/internal/program"
	"homeward/internal/seal"
	"homeward/internal/store"
)

func main() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "prof")
	defer os.RemoveAll(dir)
	ring, _, err := seal.Load(dir, "")
	if err != nil {
		panic(err)
	}
	opts := store.Options{DataDir: dir, Keyring: ring}
	if len(os.Args) > 2 {
		opts = store.Options{DatabaseURL: os.Args[2], Keyring: ring}
	}
	st, err := store.Open(ctx, opts)
	if err != nil {
		panic(err)
	}
	defer st.Close()
	var progs []program.Program
	for _, p := range demo.Programs(demo.Medium, 1) {
		p, err := st.CreateProgram(ctx, p)
		if err != nil {
			panic(err)
		}
		progs = append(progs, p)
	}
	f, _ := os.Create(os.Args[1])
	pprof.StartCPUProfile(f)
	t := time.Now()
	sum, err := demo.Bulk(ctx, st, demo.BulkSpec{Cases: 3000, Contacts: 30000, Programs: progs, Seed: 1, Progress: os.Stderr})
	pprof.StopCPUProfile()
	fmt.Println(sum.Cases, sum.Contacts, err, time.Since(t))
}
