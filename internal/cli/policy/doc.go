// Package policy is the `mlctl policy` command group: it only assembles the
// verb packages below it (validate, show, explain, diff). The policy model
// itself is the top-level profile package; these verbs only ask it
// questions and print the answers.
package policy
