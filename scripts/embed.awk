# embed.awk - a text file as a C string: awk -v name=NAME -f scripts/embed.awk FILE
# Each line becomes a string literal; backslashes, quotes and '?' (trigraphs)
# are escaped. Used by the Makefile for the report page (src/cli/report/page.html).
BEGIN { printf "/* generated from %s by scripts/embed.awk: do not edit */\n", ARGV[1]
        printf "extern const char %s[];\nconst char %s[] =\n", name, name }
{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\?/, "\\?"); printf "    \"%s\\n\"\n", $0 }
END { print "    \"\";" }
