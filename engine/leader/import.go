package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/parse"
)

var frameName = frame.ValidName

// checkImport validates the request and reserves the frame name.
func (l *Leader) checkImport(req *api.ImportRequest) error {
	if !frameName.MatchString(req.Name) {
		return badRequest(fmt.Errorf("frame name %q: use letters, digits, '_', '.', '-' (up to 128)", req.Name))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[req.Name] {
		return conflict(fmt.Errorf("frame %q is being written by another job", req.Name), "wait for it, or pick another --name")
	}
	if _, ok := l.frames[req.Name]; ok && !req.Replace {
		return conflict(fmt.Errorf("frame %q already exists", req.Name), "add --replace to overwrite it, or pick another --name")
	}
	l.busy[req.Name] = true
	return nil
}

func (l *Leader) release(name string) {
	l.mu.Lock()
	delete(l.busy, name)
	l.mu.Unlock()
}

// importPlan is the units of one import and who parses them.
type importPlan struct {
	id      string
	files   []inputFile
	units   []node.Unit
	fileOf  []int // unit -> file index
	home    []int // unit -> node
	results []node.UnitResult
	empty   []bool       // unit whose range lies inside the previous unit's last record
	warned  map[int]bool // columns warned about stray values
}

func (l *Leader) plan(files []inputFile, groups []int, header bool, perms [][]int) *importPlan {
	b := make([]byte, 8)
	rand.Read(b)
	p := &importPlan{id: hex.EncodeToString(b), files: files, warned: map[int]bool{}}
	for fi, f := range files {
		add := func(u node.Unit) {
			u.ID = len(p.units)
			u.File = f.path
			u.Kind = f.kind
			if perms != nil {
				u.Perm = perms[fi]
			}
			p.units = append(p.units, u)
			p.fileOf = append(p.fileOf, fi)
		}
		switch f.kind {
		case node.UnitParquet:
			for g := 0; g < groups[fi]; g++ {
				add(node.Unit{RowGroup: g})
			}
		case node.UnitGzip:
			add(node.Unit{SkipHeader: header})
		default:
			rs := l.rangeSize(f.size)
			for s := int64(0); s < f.size; s += rs {
				add(node.Unit{Start: s, End: min(s+rs, f.size), AtRecordStart: s == 0, SkipHeader: s == 0 && header})
			}
		}
	}
	// Contiguous blocks of units per node keep most record chains local.
	n := len(l.members)
	for u := range p.units {
		p.home = append(p.home, u*n/len(p.units))
	}
	p.results = make([]node.UnitResult, len(p.units))
	p.empty = make([]bool, len(p.units))
	return p
}

// rangeSize is the bytes per parse range for a file of size bytes.
func (l *Leader) rangeSize(size int64) int64 {
	if l.opts.RangeSize > 0 {
		return int64(l.opts.RangeSize)
	}
	return int64(node.RangeSizeFor(size))
}

// importFrame runs one import job.
func (l *Leader) importFrame(ctx context.Context, req *api.ImportRequest, progress progressFunc, warn func(string)) (err error) {
	if err := l.healthy(); err != nil {
		return err
	}
	opt, err := guessOptions(req)
	if err != nil {
		return err
	}
	files, err := statInputs(ctx, l.self.Remote(), req.Paths)
	if err != nil {
		return err
	}
	progress(0.02, "guessing the column types")
	setup, groups, err := setupFor(ctx, files, opt)
	if err != nil {
		return err
	}
	perms, err := headerPerms(ctx, files, setup)
	if err != nil {
		return err
	}
	p := l.plan(files, groups, setup.Header, perms)
	defer func() {
		if err != nil {
			l.abortImport(p.id)
		}
	}()
	for attempt := 0; ; attempt++ {
		progress(0.05, fmt.Sprintf("parsing %d ranges on %d nodes", len(p.units), len(l.members)))
		msg := fmt.Sprintf("parsing %d ranges on %d nodes", len(p.units), len(l.members))
		report := func(done, total int) { progress(0.05+0.65*float64(done)/float64(total), msg) }
		if err := l.parseUnits(ctx, p, setup, p.allUnits(), report); err != nil {
			return err
		}
		progress(0.7, "checking record boundaries")
		if err := l.chainCheck(ctx, p, setup); err != nil {
			return err
		}
		promoted := l.promote(p, setup, warn)
		if !promoted {
			break
		}
		if attempt > len(setup.Names) {
			return fmt.Errorf("column types kept changing while parsing; set them with --col-type")
		}
		l.abortImport(p.id)
	}
	progress(0.8, "unifying categorical domains")
	fr := &frame.Frame{Name: req.Name, Source: sourceOf(req.Paths), Sources: req.Paths}
	place := l.placements(p, setup, fr)
	progress(0.85, "encoding chunks")
	// Commit under a temporary name and rename when every node has its
	// part: a failure before then leaves a replaced frame as it was.
	tmp := fr.Name + ".importing-" + p.id
	if err := l.commit(ctx, p, fr, tmp, place); err != nil {
		l.dropOnNodes(tmp)
		return err
	}
	err = l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
		req := &node.RenameRequest{From: tmp, To: fr.Name}
		return l.call(ctx, idx, node.PathRename, req, nil, func() error { l.self.RenameFrame(tmp, fr.Name); return nil })
	})
	if err != nil {
		l.dropOnNodes(tmp)
		return err
	}
	l.mu.Lock()
	l.frames[fr.Name] = fr
	l.mu.Unlock()
	return nil
}

// dropOnNodes deletes a frame's parts on every node that can be reached,
// best effort (used to clean up after a failure).
func (l *Leader) dropOnNodes(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
		req := &node.DeleteRequest{Name: name}
		l.call(ctx, idx, node.PathDelete, req, nil, func() error { l.self.DeleteFrame(name); return nil })
		return nil
	})
}

func (p *importPlan) allUnits() []int {
	out := make([]int, len(p.units))
	for i := range out {
		out[i] = i
	}
	return out
}

func sourceOf(paths []string) string {
	if len(paths) == 1 {
		return paths[0]
	}
	return fmt.Sprintf("%s and %d more", paths[0], len(paths)-1)
}

// parseUnits sends the given units to their nodes and stores the results.
func (l *Leader) parseUnits(ctx context.Context, p *importPlan, setup *parse.Setup, which []int, report func(done, total int)) error {
	byNode := map[int][]node.Unit{}
	for _, u := range which {
		byNode[p.home[u]] = append(byNode[p.home[u]], p.units[u])
	}
	idxs := make([]int, 0, len(byNode))
	for n := range byNode {
		idxs = append(idxs, n)
	}
	sort.Ints(idxs)
	var mu sync.Mutex
	done := 0
	return l.forAll(ctx, idxs, func(ctx context.Context, idx int) error {
		units := byNode[idx]
		// A node's units go in up to eight batches, so the progress moves
		// while a large parse runs; a batch has at least 16 units to keep a
		// node's cores busy.
		batch := max(16, (len(units)+7)/8)
		for lo := 0; lo < len(units); lo += batch {
			hi := min(lo+batch, len(units))
			req := &node.ParseRequest{Import: p.id, Setup: *setup, Units: units[lo:hi], RangeSize: l.opts.RangeSize}
			var resp *node.ParseResponse
			err := l.call(ctx, idx, node.PathParse, req, &resp, func() (err error) {
				resp, err = l.self.Parse(ctx, req)
				return err
			})
			if err != nil {
				return err
			}
			mu.Lock()
			for _, r := range resp.Units {
				p.results[r.ID] = r
			}
			done += hi - lo
			d := done
			mu.Unlock()
			if report != nil {
				report(d, len(which))
			}
		}
		return nil
	})
}

// chainCheck walks each text file's ranges in order. A range is right only
// if its first record starts where the previous range's last record ended; a
// range that guessed wrong (its start fell inside a quoted field with a line
// break) is parsed again from the right place. Only then is a parse error
// real, and its line number absolute.
func (l *Leader) chainCheck(ctx context.Context, p *importPlan, setup *parse.Setup) error {
	var prevEnd int64
	lines := 0
	for u := range p.units {
		unit := &p.units[u]
		if unit.Kind == node.UnitParquet {
			if r := p.results[u]; r.Err != "" {
				return fmt.Errorf("%s: row group %d: %s", unit.File, unit.RowGroup, r.Err)
			}
			continue
		}
		if unit.Kind == node.UnitGzip || unit.Start == 0 {
			prevEnd, lines = 0, 0
		}
		reparsed := false
		for unit.Start > 0 && !reparsed {
			r := p.results[u]
			if prevEnd >= unit.End {
				p.empty[u] = true
				break
			}
			if r.Err == "" && len(r.Subs) == 1 && r.Subs[0].Start == prevEnd {
				break
			}
			unit.Start, unit.AtRecordStart = prevEnd, true
			if err := l.parseUnits(ctx, p, setup, []int{u}, nil); err != nil {
				return err
			}
			reparsed = true
		}
		if p.empty[u] {
			continue
		}
		r := p.results[u]
		if r.Err != "" {
			if r.ParseMsg != "" {
				return badRequest(fmt.Errorf("%s:%d: %s", unit.File, lines+r.Line, r.ParseMsg))
			}
			return fmt.Errorf("%s: %s", unit.File, r.Err)
		}
		for _, s := range r.Subs {
			for k := range s.Mismatches {
				s.Mismatches[k].Line += lines
			}
			prevEnd = s.End
			lines += s.Lines
		}
	}
	return nil
}

// MaxStrayFraction is the share of a column's rows that may fail to parse
// as its guessed numeric or time type and still leave it that type (the
// values read as NA, with a warning), as H2O and pandas users expect: one
// stray "oops" must not turn a million numbers into a million levels.
const MaxStrayFraction = 0.01

// MaxLevels is the most distinct values a guessed categorical column may
// have; past it the column is read as text (documented in the README).
var MaxLevels = 1_000_000

// promote settles the columns that met values they could not hold: a
// forced type keeps them as NA with a warning; a guessed type keeps them as
// NA too while they are at most MaxStrayFraction of the rows, and otherwise
// becomes categorical (and the import parses again). It reports whether a
// type changed.
func (l *Leader) promote(p *importPlan, setup *parse.Setup, warn func(string)) bool {
	type stray struct {
		count int
		first parse.Mismatch
		file  string
	}
	found := map[int]*stray{}
	var order []int
	rows := 0
	for u, r := range p.results {
		if p.empty[u] {
			continue
		}
		for _, s := range r.Subs {
			rows += s.Rows
			for _, m := range s.Mismatches {
				st, ok := found[m.Column]
				if !ok {
					st = &stray{first: m, file: p.units[u].File}
					found[m.Column] = st
					order = append(order, m.Column)
				}
				st.count += max(m.Count, 1)
			}
		}
	}
	changed := false
	// A categorical column with more levels than MaxLevels is text, not a
	// factor (ids, free text): read it as a string column instead.
	for c, t := range setup.Types {
		if t != frame.Categorical || setup.Overridden[c] {
			continue
		}
		seen := map[string]struct{}{}
		for u, r := range p.results {
			if p.empty[u] || len(seen) > MaxLevels {
				continue
			}
			for _, s := range r.Subs {
				if c < len(s.Domains) {
					for _, v := range s.Domains[c] {
						seen[v] = struct{}{}
					}
				}
			}
		}
		if len(seen) > MaxLevels {
			setup.Types[c] = frame.String
			changed = true
			warn(fmt.Sprintf("column %q has more than %d distinct values; imported as text (string), not categorical (set --col-type %s=categorical to insist)", setup.Names[c], MaxLevels, setup.Names[c]))
		}
	}
	for _, c := range order {
		st := found[c]
		name, typ := setup.Names[c], setup.Types[c]
		where := fmt.Sprintf("%s:%d has %q", st.file, st.first.Line, clip(st.first.Value))
		if setup.Overridden[c] || float64(st.count) <= MaxStrayFraction*float64(rows) {
			how := "looks"
			if setup.Overridden[c] {
				how = "was set to"
			}
			if !p.warned[c] { // once, though the import may parse again
				p.warned[c] = true
				warn(fmt.Sprintf("column %q %s %s: %d value(s) are not and were read as NA (the first: %s)", name, how, typ, st.count, where))
			}
			continue
		}
		setup.Types[c] = frame.Categorical
		changed = true
		warn(fmt.Sprintf("column %q looked %s in the first rows, but %d value(s) are not (%s); imported as categorical (set --col-type %s=... to choose)",
			name, typ, st.count, where, name))
	}
	return changed
}

func (l *Leader) abortImport(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2e9)
	defer cancel()
	l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
		req := &node.AbortRequest{Import: id}
		l.call(ctx, idx, node.PathAbort, req, nil, func() error { l.self.Abort(id); return nil })
		return nil
	})
}

// placements unifies categorical domains (sorted, so codes do not depend on
// the node count) and numbers the chunks in file and range order.
func (l *Leader) placements(p *importPlan, setup *parse.Setup, fr *frame.Frame) map[int][]node.Placement {
	ncol := len(setup.Names)
	fr.Columns = make([]frame.Column, ncol)
	for c := range fr.Columns {
		fr.Columns[c] = frame.Column{Name: setup.Names[c], Type: setup.Types[c]}
		if setup.Types[c] != frame.Categorical {
			continue
		}
		set := map[string]struct{}{}
		for u, r := range p.results {
			if p.empty[u] {
				continue
			}
			for _, s := range r.Subs {
				for _, v := range s.Domains[c] {
					set[v] = struct{}{}
				}
			}
		}
		dom := make([]string, 0, len(set))
		for v := range set {
			dom = append(dom, v)
		}
		sort.Strings(dom)
		fr.Columns[c].Domain = dom
	}
	codeOf := make([]map[string]int32, ncol)
	for c, col := range fr.Columns {
		if col.Type == frame.Categorical {
			codeOf[c] = make(map[string]int32, len(col.Domain))
			for i, v := range col.Domain {
				codeOf[c][v] = int32(i)
			}
		}
	}
	place := map[int][]node.Placement{}
	next := 0
	for u, r := range p.results {
		if p.empty[u] {
			continue
		}
		for si, s := range r.Subs {
			if s.Rows == 0 {
				continue
			}
			pl := node.Placement{Unit: u, Sub: si, Index: next, Remap: make([][]int32, ncol)}
			for c := range fr.Columns {
				if codeOf[c] == nil {
					continue
				}
				m := make([]int32, len(s.Domains[c]))
				for i, v := range s.Domains[c] {
					m[i] = codeOf[c][v]
				}
				pl.Remap[c] = m
			}
			place[p.home[u]] = append(place[p.home[u]], pl)
			fr.Chunks = append(fr.Chunks, frame.ChunkRef{Index: next, Home: p.home[u], Rows: int64(s.Rows)})
			next++
		}
	}
	return place
}

// commit has every node encode its pieces as chunks.
func (l *Leader) commit(ctx context.Context, p *importPlan, fr *frame.Frame, as string, place map[int][]node.Placement) error {
	meta := *fr
	meta.Name = as
	meta.Chunks = nil
	return l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
		req := &node.CommitRequest{Import: p.id, Frame: meta, Place: place[idx]}
		var resp *node.CommitResponse
		err := l.call(ctx, idx, node.PathCommit, req, &resp, func() (err error) {
			resp, err = l.self.Commit(ctx, req)
			return err
		})
		if err != nil {
			return err
		}
		l.mu.Lock()
		for _, ci := range resp.Chunks {
			fr.Chunks[ci.Index].Bytes = ci.Bytes
		}
		l.mu.Unlock()
		return nil
	})
}

// dropFrame deletes a frame everywhere.
func (l *Leader) dropFrame(ctx context.Context, name string) error {
	l.mu.Lock()
	delete(l.frames, name)
	l.mu.Unlock()
	return l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
		req := &node.DeleteRequest{Name: name}
		return l.call(ctx, idx, node.PathDelete, req, nil, func() error { l.self.DeleteFrame(name); return nil })
	})
}

// clip cuts a value quoted in a message to a readable length.
func clip(v string) string {
	const max = 60
	if len(v) <= max {
		return v
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", v[:cut], len(v))
}
