//go:build tools

// Package tools pins etcd's main package so `go mod tidy` keeps every module it needs; xtask
// builds it with `go build go.etcd.io/etcd/server/v3`.
package tools

import _ "go.etcd.io/etcd/server/v3"
