// Package iostreams owns mlctl's view of the terminal: the three standard
// streams, whether stdout and stderr are terminals, whether colour is wanted,
// and how wide the terminal is. Every command writes through an IOStreams so
// that tests can swap in buffers and cover both terminal and piped output.
//
// It imports only the standard library and golang.org/x/term; it must not
// import cobra or any other mlctl package.
package iostreams
