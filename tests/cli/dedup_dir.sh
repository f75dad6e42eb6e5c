# dedup: a directory input, walked recursively in bytewise name order, each file
# one document. Ids are paths relative to the directory argument; hidden entries
# are skipped. With no output option the clusters are listed on stdout; -o DIR
# writes the kept files, byte for byte, under a new directory.
set -eu
P='Reading old letters is a slow pleasure. The paper is thin and yellow, the ink has faded to brown, and every page smells faintly of the drawer it was kept in for fifty years. My grandmother wrote to her sister every week, about the weather, the price of eggs, the neighbours and the small quarrels of a village where everybody knew everybody. Nothing in them is important, and yet nothing could replace them.'
mkdir -p docs/2019/spring docs/2020 docs/.cache
printf '%s\n' "$P" >docs/2019/letter.txt
printf '%s\n' "$P" >docs/2020/copy.txt
printf 'Letters from the Drawer\n\n%s\n\n-- transcribed by the family, 2021\n' "$P" >docs/2019/spring/near.txt
printf 'Shopping list: bread, milk, two lemons, coffee beans and a bag of flour.\n' >docs/2020/list.txt
printf 'The committee meets on Thursday at noon in the small room upstairs.\r\n' >docs/B-upper.txt
printf '%s\n' "$P" >docs/.cache/hidden.txt
echo "== listing"
"$ND" dedup docs
echo "== -o"
"$ND" dedup -q -o kept docs
find kept | LC_ALL=C sort
cmp docs/2019/letter.txt kept/2019/letter.txt
cmp docs/2020/list.txt kept/2020/list.txt
cmp docs/B-upper.txt kept/B-upper.txt
echo "kept files identical to their inputs"
echo "== files"; ls
