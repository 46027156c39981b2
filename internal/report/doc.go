// Package report builds what funders and viewers see of the programs: a
// Report is figures of programs over a period. Those figures must never
// identify a person, so this package's first part is statistical
// disclosure control: a Table of counts goes through Suppress before any
// page shows it or any export writes it, and only the Suppressed view leaves
// the package.
//
// Suppression hides every count of 1 to 4 (primary suppression) and then
// enough further cells (complementary suppression) that no hidden count can
// be worked out from the cells shown, the totals and the bounds a reader
// knows. Ranges is the check of that promise: for every hidden cell, the
// least and the greatest value it could have given everything published.
package report
