package yarn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mlctl/mlctl/internal/krb"
)

// maxBody bounds what is read of any RM answer (a full app list can be
// large; anything bigger is not an answer we can use).
const maxBody = 64 << 20

// NoActiveRMError says no ResourceManager answered as active.
type NoActiveRMError struct {
	Tried []string // base URLs tried
	Last  error    // the last RM's failure
}

func (e *NoActiveRMError) Error() string {
	return fmt.Sprintf("yarn: no active ResourceManager among %s: %v", strings.Join(e.Tried, ", "), e.Last)
}

func (e *NoActiveRMError) Unwrap() error { return e.Last }

// standbyMarkers are the texts of RMWebAppFilter's answers on a standby RM
// that knows no active one (it then sends a Refresh header, not a Location).
var standbyMarkers = []string{"This is standby RM", "Can not find any active RM", "There is no active RM"}

func isStandby(data []byte) bool {
	for _, m := range standbyMarkers {
		if bytes.Contains(data, []byte(m)) {
			return true
		}
	}
	return false
}

// do sends one REST call to the active RM: it tries the remembered active RM
// first, then the others; a standby's redirect moves the call to the RM it
// names. in is sent as JSON; a 2xx JSON answer is decoded into out.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("yarn: encoding %s %s: %w", method, path, err)
		}
	}
	var (
		lastErr error
		tried   []string
		seen    = map[int]bool{}
		queue   = c.order()
	)
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if seen[i] {
			continue
		}
		seen[i] = true
		c.mu.Lock()
		r := c.rms[i]
		c.mu.Unlock()
		tried = append(tried, r.base.String())
		resp, data, err := c.send(ctx, r, method, path, q, body)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var ke *krb.Error
			if errors.As(err, &ke) {
				return err // the ticket is the problem, not this RM
			}
			lastErr = err
			continue
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			lastErr = fmt.Errorf("%s is a standby ResourceManager", r.base.Host)
			if loc, err := r.base.Parse(resp.Header.Get("Location")); err == nil && loc.Host != "" {
				j, _ := c.rmFor(loc)
				queue = append([]int{j}, queue...)
			}
			continue
		}
		if isStandby(data) {
			lastErr = fmt.Errorf("%s is a standby ResourceManager: %s", r.base.Host, firstLine(data))
			continue
		}
		c.setActive(i)
		if resp.StatusCode/100 != 2 {
			return remoteError(method, path, resp, data, c.cfg.Kerberos != nil)
		}
		if out != nil && len(bytes.TrimSpace(data)) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("yarn: decoding the answer to %s %s: %w", method, path, err)
			}
		}
		return nil
	}
	return &NoActiveRMError{Tried: tried, Last: lastErr}
}

// send does the HTTP exchange with one RM, answering a 401 Negotiate
// challenge with SPNEGO once. The session cookie the RM then sets spares
// the KDC on later calls.
func (c *Client) send(ctx context.Context, r *rm, method, path string, q url.Values, body []byte) (*http.Response, []byte, error) {
	u := *r.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	if c.cfg.Kerberos == nil && c.cfg.User != "" {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("user.name", c.cfg.User)
		q = q2
	}
	u.RawQuery = q.Encode()
	mk := func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, nil
	}
	req, err := mk()
	if err != nil {
		return nil, nil, err
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && c.cfg.Kerberos != nil &&
		strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Negotiate") {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if req, err = mk(); err != nil {
			return nil, nil, err
		}
		if err := c.cfg.Kerberos.SetSPNEGOHeader(ctx, req, c.cfg.SPN); err != nil {
			return nil, nil, err
		}
		if resp, err = r.hc.Do(req); err != nil {
			return nil, nil, err
		}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, err
	}
	return resp, data, nil
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
