package hadoopconf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// XMLError is a malformed site file: it names the file and the line.
type XMLError struct {
	File string
	Line int
	Msg  string
}

func (e *XMLError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// AddXML parses one Hadoop site file and adds its properties, later ones
// overriding earlier ones. name is used in errors and Source (its base name).
// Properties marked <final> are not special: a client reads each key once,
// so final has nothing to protect. Both the element form
// (<name>/<value> children) and Hadoop 3's attribute form
// (<property name="" value=""/>) are read.
func (c *Conf) AddXML(name string, data []byte) error {
	props, err := parseXML(filepath.Base(name), data)
	if err != nil {
		return err
	}
	if c.props == nil {
		c.props = map[string]Property{}
	}
	for _, p := range props {
		c.props[p.Name] = p
	}
	return nil
}

func parseXML(file string, data []byte) ([]Property, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// Site files declare UTF-8 or nothing; anything else is read as bytes,
	// which is what Hadoop's values (ASCII host names, numbers) need.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	fail := func(msg string, a ...any) error {
		line, _ := d.InputPos()
		return &XMLError{File: file, Line: line, Msg: fmt.Sprintf(msg, a...)}
	}
	var (
		props  []Property
		depth  int // element nesting
		cur    *Property
		field  string // child of <property> being read
		text   strings.Builder
		sawTop bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &XMLError{File: file, Line: se.Line, Msg: se.Msg}
			}
			return nil, fail("%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "configuration" {
					return nil, fail("top-level element is <%s>, want <configuration>", t.Name.Local)
				}
				sawTop = true
			case depth == 2 && t.Name.Local == "property":
				line, _ := d.InputPos()
				cur = &Property{File: file, Line: line}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "name":
						cur.Name = strings.TrimSpace(a.Value)
					case "value":
						cur.Value = a.Value
					}
				}
			case depth == 2 && t.Name.Local == "include":
				return nil, fail("<%s:include> is not supported: inline the included properties", t.Name.Space)
			case depth == 3 && cur != nil:
				field = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if field != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case depth == 3 && cur != nil:
				switch field {
				case "name":
					cur.Name = strings.TrimSpace(text.String())
				case "value":
					// Hadoop trims values of surrounding white space.
					cur.Value = strings.TrimSpace(text.String())
				}
				field = ""
			case depth == 2 && cur != nil:
				if cur.Name == "" {
					return nil, &XMLError{File: file, Line: cur.Line, Msg: "<property> without a <name>"}
				}
				props = append(props, *cur)
				cur = nil
			}
			depth--
		}
	}
	if !sawTop {
		return nil, &XMLError{File: file, Line: 1, Msg: "no <configuration> element"}
	}
	return props, nil
}
