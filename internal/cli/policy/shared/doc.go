// Package shared holds what the policy verbs share: reading a policy file
// for a verb, and naming where the policy in force came from.
package shared
