// The robfig/cron judge: reads one schedule spec per line on stdin and prints, per line, "ok" when
// cron.ParseStandard accepts it, else "error <its error>" (robfig/cron v3.0.1, as the Spark operator 2.5.2 and
// Karpenter 1.14.1 call it). Time zones come from Go's embedded tz database, as in the Spark operator's binary.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		spec := in.Text()
		if _, err := parse(spec); err != nil {
			fmt.Fprintf(out, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		} else {
			fmt.Fprintln(out, "ok")
		}
	}
}

// parse is cron.ParseStandard, with a panic (a TZ= prefix without a space) reported as an error.
func parse(spec string) (schedule cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return cron.ParseStandard(spec)
}
