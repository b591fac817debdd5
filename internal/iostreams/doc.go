// Package iostreams owns mlctl's view of the terminal: the three standard
// streams, whether stdout and stderr are terminals, whether colour is wanted,
// and how wide the terminal is. Every command writes through an IOStreams so
// that tests can swap in buffers and cover both terminal and piped output.
//
// Colours and bold are lipgloss styles (color.go) whose colour profile is
// set from ColorEnabled, never detected by lipgloss itself. Besides the
// standard library it imports only golang.org/x/term, lipgloss and termenv;
// it must not import cobra or any other mlctl package.
package iostreams
