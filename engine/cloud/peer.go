package cloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Peer calls other nodes: HTTPS trusting only the cluster CA, the bearer
// token on every request, gob bodies (they carry NaN and Inf, which JSON
// cannot).
type Peer struct {
	http  *http.Client
	token string
}

// NewPeer makes a client for the cluster whose secrets are s.
func NewPeer(s *Secrets) (*Peer, error) {
	pool, err := CAPool(s.CACertPEM)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13},
		DialContext:         (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 15 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     60 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &Peer{http: &http.Client{Transport: tr}, token: s.Token}, nil
}

// ErrorKindHeader carries the kind of a node's error (engine/mr's kinds),
// so the caller can rebuild a typed error.
const ErrorKindHeader = "X-Mlctl-Error-Kind"

// RemoteError is an error a peer answered with.
type RemoteError struct {
	Addr   string
	Status int
	Msg    string
	Kind   string // from ErrorKindHeader; "" when the peer sent none
}

func (e *RemoteError) Error() string { return e.Msg }

// Call POSTs in (gob) to https://addr+path and decodes the answer into out
// (which may be nil). A transport failure names addr.
func (p *Peer) Call(ctx context.Context, addr, path string, in, out any) error {
	var body bytes.Buffer
	if in != nil {
		if err := gob.NewEncoder(&body).Encode(in); err != nil {
			return fmt.Errorf("encode %s request: %w", path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+addr+path, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/x-gob")
	resp, err := p.http.Do(req)
	if err != nil {
		if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
			return c
		}
		return fmt.Errorf("node %s: %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return &RemoteError{Addr: addr, Status: resp.StatusCode, Msg: strings.TrimSpace(string(msg)), Kind: resp.Header.Get(ErrorKindHeader)}
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if err := gob.NewDecoder(resp.Body).Decode(out); err != nil {
		if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
			return c
		}
		return fmt.Errorf("node %s: reading %s answer: %w", addr, path, err)
	}
	return nil
}

// Authorized reports whether r carries the cluster's bearer token.
func Authorized(r *http.Request, token string) bool {
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if !strings.HasPrefix(h, p) {
		return false
	}
	return TokenMatches(token, h[len(p):])
}

// ReadGob decodes a gob request body into v.
func ReadGob(r *http.Request, v any) error {
	if err := gob.NewDecoder(r.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("bad request body: %w", err)
	}
	return nil
}

// WriteGob answers 200 with v gob-encoded.
func WriteGob(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-gob")
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(buf.Bytes())
}
