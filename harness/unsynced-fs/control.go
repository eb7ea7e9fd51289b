package main

// The control socket: one JSON request per line, one JSON answer per line.
//
//	{"op":"fail-io","rule":{"paths":"chaos-0/*","calls":["write","fsync"]}}  → {"ok":true}
//	{"op":"status"}   → {"ok":true,"failed":{"write":12}}
//	{"op":"heal-io"}  → {"ok":true,"failed":{"write":12,"fsync":1}}

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
)

type controlRequest struct {
	Op   string  `json:"op"`
	Rule *ioRule `json:"rule,omitempty"`
}

type controlAnswer struct {
	OK     bool             `json:"ok"`
	Error  string           `json:"error,omitempty"`
	Failed map[string]int64 `json:"failed,omitempty"`
}

func serveControl(path string, failures *ioFailures) (func(), error) {
	_ = os.Remove(path)
	listener, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go handleControl(conn, failures)
		}
	}()
	return func() {
		listener.Close()
		_ = os.Remove(path)
	}, nil
}

func handleControl(conn net.Conn, failures *ioFailures) {
	defer conn.Close()
	lines := bufio.NewScanner(conn)
	out := json.NewEncoder(conn)
	for lines.Scan() {
		var req controlRequest
		answer := controlAnswer{OK: true}
		if err := json.Unmarshal(lines.Bytes(), &req); err != nil {
			answer = controlAnswer{Error: "not a JSON request: " + err.Error()}
		} else {
			switch req.Op {
			case "fail-io":
				if req.Rule == nil || len(req.Rule.Calls) == 0 {
					answer = controlAnswer{Error: "fail-io needs a rule with calls"}
				} else {
					failures.set(req.Rule)
				}
			case "heal-io":
				answer.Failed = failures.clear()
			case "status":
				answer.Failed = failures.counts()
			default:
				answer = controlAnswer{Error: "unknown op " + req.Op + " (fail-io, heal-io, status)"}
			}
		}
		if err := out.Encode(answer); err != nil {
			return
		}
	}
}
