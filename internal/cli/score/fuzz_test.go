package score

import (
	"testing"
)

// Cutting the input into blocks changes nothing: for any text after a
// header the model can use, scoring it in blocks of a few bytes gives the
// same output, or the same error, as scoring it in one block. And nothing
// panics.
func FuzzScoreBlocks(f *testing.F) {
	for _, s := range []string{
		"1,a,2\n",
		"1,\"a\nb\",2\r\n3,b,4\n",
		"\"1\",\"\"\"\",x\n\n\n4,d,\n",
		"1,a\n",
		"1,\"a,2\n3,b,4\n",
		"NA,NA,NA\n?,zz,1e999\n",
		"1;a;2\n",
		"1,a,2,3\n",
		"\xef\xbb\xbf1,a,2",
	} {
		f.Add([]byte(s))
	}
	mpath := writeModel(f, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	f.Fuzz(func(t *testing.T, body []byte) {
		in := writeFile(t, t.TempDir(), "in.csv", append([]byte("x,c,t\n"), body...))
		whole, _, errWhole := env{}.run(t, mpath, in, "-o", "-", "--keep", "c")
		small, _, errSmall := blocks(3).run(t, mpath, in, "-o", "-", "--keep", "c")
		if (errWhole == nil) != (errSmall == nil) || (errWhole != nil && errWhole.Error() != errSmall.Error()) {
			t.Fatalf("one block: %v; blocks of 3 bytes: %v", errWhole, errSmall)
		}
		if errWhole == nil && whole != small {
			t.Fatalf("one block:\n%q\nblocks of 3 bytes:\n%q", whole, small)
		}
	})
}
