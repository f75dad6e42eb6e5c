# dedup --ignore-boilerplate: three short pages of one site share a long
# header and footer; without the option the template makes them
# near-duplicates, with it they are compared on their own text and only the
# real copy (p1/p2, one word apart) clusters. --strip-boilerplate writes the
# kept pages without the template, every other JSON member as it was.
set -eu
cat >site.jsonl <<'J'
{"id":"p1","n":1,"text":"Example Media | Home | News | Sport | Weather | Contact us | Subscribe today\nThe council approved the new budget after a long and heated debate on Monday night.\nCopyright 2024 Example Media Group. All rights reserved. Terms of use and privacy policy apply to this site. Example Media Group is a member of the Independent Press Standards Organisation and follows its Editors' Code of Practice."}
{"id":"p2","n":2,"text":"Example Media | Home | News | Sport | Weather | Contact us | Subscribe today\nThe council approved the new budget after a long and heated debate on Monday evening.\nCopyright 2024 Example Media Group. All rights reserved. Terms of use and privacy policy apply to this site. Example Media Group is a member of the Independent Press Standards Organisation and follows its Editors' Code of Practice."}
{"id":"p3","n":3,"text":"Example Media | Home | News | Sport | Weather | Contact us | Subscribe today\nA storm closed the harbour for two days and ferries stayed in port.\nCopyright 2024 Example Media Group. All rights reserved. Terms of use and privacy policy apply to this site. Example Media Group is a member of the Independent Press Standards Organisation and follows its Editors' Code of Practice."}
{"id":"p4","n":4,"text":"Example Media | Home | News | Sport | Weather | Contact us | Subscribe today\nThe school term starts a week later because of repairs to the roof.\nCopyright 2024 Example Media Group. All rights reserved. Terms of use and privacy policy apply to this site. Example Media Group is a member of the Independent Press Standards Organisation and follows its Editors' Code of Practice."}
J
echo "== template included"
"$ND" dedup -q -t 0.5 --clusters - site.jsonl
echo "== --ignore-boilerplate"
"$ND" dedup -q -t 0.5 --ignore-boilerplate --clusters - site.jsonl
echo "== --strip-boilerplate -o"
"$ND" dedup -q -t 0.5 --ignore-boilerplate --strip-boilerplate -o out.jsonl site.jsonl
cat out.jsonl
rc=0; "$ND" dedup --strip-boilerplate site.jsonl 2>&1 || rc=$?; echo "rc=$rc"
