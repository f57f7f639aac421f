{{ $x := dict "a" 1 "b" (list 1 2 3) }}{{ range $i, $v := .List }}{{ printf "%d=%v %q" $i $v (upper "x") }}{{ end }}
{{ with .Token }}{{ .sub | lower | trimSuffix ".example" | replace "a" "b" }}{{ else }}none{{ end }}
{{- /* comment */ -}}
{{ if and (eq 1 1) (ne "a" "b") (lt 1 2) (hasKey $x "a") }}{{ toPrettyJson $x }}{{ end }}
{{ index .SANs 0 }} {{ len .SANs }} {{ default "d" .Missing }} {{ coalesce .No "c" }} {{ ternary "t" "f" true }}
{{ splitList "," "a,b" | join "-" }} {{ first .List }} {{ last .List }} {{ keys $x }} {{ fromJson "{\"k\":[1]}" | toRawJson }}
{{ range 3 }}{{ . }}{{ end }}{{ quote "q" }}{{ squote "s" }}{{ trim "  t " }}{{ contains "a" "cat" }}{{ typeOf 1 }}
