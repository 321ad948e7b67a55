#!/bin/bash
# compare.sh DIR: walks every VA of DIR/gva2gpa.txt with mmush and counts disagreements.
d=$1
{ echo "load core \"$d/${2:-core.elf}\""; awk '{print "walk el1 " $1 " notlb"}' $d/gva2gpa.txt; } > /tmp/cmp-$$.mmu
/work/wt-cores/.build/debug/mmush /tmp/cmp-$$.mmu | grep '^walk' | awk '{va=$3; if ($5=="pa") print va, $6; else print va, "unmapped"}' | sed 's/_//g' > /tmp/cmp-$$.out
awk '{print $1, $2}' $d/gva2gpa.txt | paste -d' ' - /tmp/cmp-$$.out | awk -v d=$d '{ if (($2 != $4) ) {bad++; if (bad<5) print "DIFF", $0} else ok++ } END {print d, "agree", ok, "differ", bad+0}'
rm -f /tmp/cmp-$$.mmu /tmp/cmp-$$.out
