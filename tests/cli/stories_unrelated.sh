# neardup stories keeps unrelated news apart: eight short items on eight
# different events that share everyday news words (police, government,
# minister, Tuesday, Wednesday, numbers) each end in a story of their own,
# while three items on one event (a footbridge collapse at Varnholt, told by
# three outlets in different words with the same names and places) end in one
# story. The items were written for this test. Same stories with --no-reuse
# and with -T 1. Printed: each story's size and member ids.
set -eu
cat >corpus.jsonl <<'J'
{"id":"u1","date":"2025-03-04","source":"daily-post","title":"Police close road after lorry fire","text":"Police closed the northern ring road on Tuesday, 4 March, after a lorry caught fire near junction 12. No one was hurt, police said, and the government highways agency expects the road to reopen on Wednesday."}
{"id":"u2","date":"2025-03-04","source":"the-courier","title":"Minister announces new school funding","text":"The education minister announced on Tuesday that the government will spend 40 million on new classrooms this year. The minister said 120 schools would benefit and that work starts in June."}
{"id":"u3","date":"2025-03-04","source":"evening-star","title":"Bakery wins national bread prize","text":"A family bakery in Hollin Street won the national bread prize on Tuesday. The owners said the winning sourdough takes three days to make, and that they would give the 5,000 prize to a local food bank."}
{"id":"u4","date":"2025-03-05","source":"daily-post","title":"Government minister resigns over expenses","text":"The transport minister resigned on Wednesday after reports that she claimed 12,000 in travel expenses for private trips. The government said the prime minister accepted the resignation and would name a successor on Thursday."}
{"id":"u5","date":"2025-03-05","source":"the-courier","title":"Police appeal after jewellery shop robbery","text":"Police are appealing for witnesses after two men robbed a jewellery shop on Quarry Lane on Wednesday, 5 March. The men escaped on a motorbike with watches worth about 30,000, police said."}
{"id":"u6","date":"2025-03-05","source":"evening-star","title":"Council approves new cycle lanes","text":"The city council approved 14 kilometres of new cycle lanes on Wednesday. Councillors said the government grant of 3 million would cover most of the cost, and building begins in April."}
{"id":"u7","date":"2025-03-04","source":"radio-north","title":"Hospital opens new maternity ward","text":"The general hospital opened a new maternity ward on Tuesday with 24 beds. The health minister, who attended the opening, said the government planned four more such wards by next year."}
{"id":"u8","date":"2025-03-05","source":"radio-north","title":"Storm brings down power lines","text":"High winds brought down power lines across the valley on Wednesday, leaving 8,000 homes without electricity. Engineers said most homes would be reconnected by Thursday morning, and police asked drivers to avoid fallen trees."}
{"id":"r1","date":"2025-03-04","source":"daily-post","title":"Varnholt footbridge collapses into River Elsen","text":"The old footbridge at Varnholt collapsed into the River Elsen early on Tuesday. Mayor Ingrid Sollberg said nobody was on the bridge when it fell and that divers had searched the water. The 1920s bridge had been closed for inspection since January."}
{"id":"r2","date":"2025-03-04","source":"the-courier","title":"Bridge falls in Varnholt, no injuries","text":"A century-old pedestrian bridge over the Elsen gave way at Varnholt before dawn on Tuesday. Sollberg, the town's mayor, told reporters that the structure was empty at the time. Engineers had shut the Varnholt crossing in January after finding cracks."}
{"id":"r3","date":"2025-03-05","source":"radio-north","title":"Varnholt asks for help to replace Elsen bridge","text":"A day after its footbridge fell into the Elsen, Varnholt asked the regional authority for money to build a new crossing. Mayor Ingrid Sollberg said a temporary ferry would carry people across the river from Monday."}
J
"$ND" stories -q -o s.jsonl corpus.jsonl
"$ND" stories -q --no-reuse -T 1 -o s1.jsonl corpus.jsonl
cmp s.jsonl s1.jsonl
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    s = json.loads(l)
    print(s["story"], s["size"], " ".join(m["id"] for m in s["members"]))
' s.jsonl
