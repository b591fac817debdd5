// Package h2omojo imports H2O-3 MOJO zips (GBM and GLM) as scoring models,
// so that models trained by H2O keep scoring without a JVM. It owns the
// reading of the MOJO format only: the zip, model.ini, the domain files and
// the compressed trees. It imports the standard library and scoring, nothing
// else of the repository.
//
// What a MOJO holds (h2o-genmodel is the format's definition):
//
//	model.ini          [info] key = value, [columns] one name a line (the
//	                   features, then offset/weights/fold columns, the
//	                   response last), [domains] "col: count file"
//	domains/dNNN.txt   one level a line (\n, \r and \\ escaped when
//	                   escape_domain_values = true)
//	trees/tCC_GGG.bin  GBM: tree of class CC in group GGG, pre-order,
//	                   little-endian; trees/tCC_GGG_aux.bin: 40 bytes per
//	                   inner node (node id, left-subtree size, weight L/R,
//	                   prediction L/R, squared error L/R, child ids L/R)
//
// A compressed tree node is: u8 node type (bits 0-1 size of the left
// subtree's length field minus one, 48 = left child is a leaf, bits 2-3 split
// kind: 0 float, 8 a 32-bit bitset, 12 a bitset with u16 offset and i32 bit
// count; 0xC0 = right child is a leaf), u16 column (65535 = the whole tree is
// one leaf), u8 NA direction (NaSplitDir), the split (absent for
// NA-versus-rest), the left subtree's length (unless a leaf), the left
// subtree, the right subtree. A leaf is an f32 value, the learning rate
// already applied.
//
// How H2O's scoring maps onto scoring.Tree:
//
//   - H2O sends x right when x >= split, the split an f32 compared as a
//     double. Threshold is the largest float64 below float64(split), so
//     x <= Threshold holds exactly for the x H2O sends left.
//   - A bitset split sends a level right when its bit is set; a level outside
//     the bitset's [offset, offset+bits) range, or past the column's domain,
//     goes the NA way. The imported bitset covers every level of the domain
//     explicitly, so that rule is folded into the bits.
//   - NA directions: NALeft and Left send NA left; NARight, Right and None
//     right; NAvsREST becomes FlagNAOnly.
//   - Cover is the aux file's weight of the rows that reached the node (the
//     training weight sum); 0 when a tree has no aux file.
//   - Margins: init_f per model (none for multinomial, where h2o-genmodel
//     adds none), trees interleaved by class (tree g*K+c is class c of group
//     g; a tree the zip lacks adds 0). A two-class GBM trained as multinomial
//     (one tree per group, softmax of f and -f) becomes bernoulli with every
//     value times -2. laplace, quantile and huber GBMs score as the margin
//     itself and import as Distribution gaussian; Info.Values["distribution"]
//     keeps H2O's name.
//
// GLM: H2O's beta lists the categorical features first (one slot per level,
// or per level but the first when use_all_factor_levels is false, located by
// cat_offsets), then the numeric ones, the intercept last, one such vector
// per class for multinomial. The schema keeps H2O's column order (categorical
// features first). When every level has a slot, the first level's
// coefficient is folded into the intercept so that the scoring layout (the
// first level as reference) holds; that changes the linear predictor only by
// rounding. A missing value takes the MOJO's num_means / cat_modes (mean
// imputation or plug values); with missing_values_handling Skip a missing
// number yields NaN, as in H2O.
//
// Anything else is refused with an error wrapping ErrUnsupported that names
// the algorithm and version and what is supported; damaged input gives an
// error wrapping ErrMalformed. Neither ever panics.
package h2omojo
