// The Kubernetes quantity judge: reads one JSON string per line on stdin and prints, per line, "ok <value>" when
// k8s.io/apimachinery v0.33.13 reads it as a resource.Quantity the way a quantity field reaches the API server (the
// client's json.Marshal of the string, then the server's Quantity.UnmarshalJSON: quotes dropped, whitespace trimmed
// from the raw bytes, ParseQuantity), with <value> the exact decimal (Quantity.AsDec), else "error <its error>".
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var text string
		if err := json.Unmarshal(in.Bytes(), &text); err != nil {
			fmt.Fprintf(out, "error bad input line: %s\n", err)
			continue
		}
		sent, _ := json.Marshal(text)
		var q resource.Quantity
		if err := json.Unmarshal(sent, &q); err != nil {
			fmt.Fprintf(out, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		} else {
			fmt.Fprintf(out, "ok %s\n", q.AsDec().String())
		}
	}
}
