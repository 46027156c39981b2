package store

import "errors"

// errNotYet marks a store call not written yet. This file is deleted when
// every call is written.
var errNotYet = errors.New("not implemented yet")
