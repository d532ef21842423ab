package dev.lakehouse.judges.flinkoptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The Flink options judge, run with the pinned Flink release's jars on the class path.
 *
 * <ul>
 *   <li>{@code list <jar>...}: prints {@code {"options": [...], "failures": [...]}} (see {@link OptionLister}).
 *   <li>{@code parse}: reads batches of requests from standard input, one per line,
 *       {@code <yaml|legacy> TAB <kind> TAB <base64 of the UTF-8 value>}, a batch closed by an empty line; after each
 *       batch prints one JSON result per request, in order (see {@link ValueParser}), and flushes. Ends at the end
 *       of the input.
 * </ul>
 * Exit code 0, or 2 on a usage error.
 */
public final class FlinkOptions {
    private FlinkOptions() {}

    /**
     * Runs the judge.
     *
     * @param args {@code list <jar>...} or {@code parse}
     * @throws IOException standard input or a jar cannot be read
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        if (args.length >= 1 && args[0].equals("list")) {
            out.println(Json.write(OptionLister.list(Arrays.asList(args).subList(1, args.length))));
            out.flush();
        } else if (args.length == 1 && args[0].equals("parse")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            List<String> batch = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    String[] parts = line.split("\t", -1);
                    String text = new String(Base64.getDecoder().decode(parts[2]), StandardCharsets.UTF_8);
                    batch.add(Json.write(ValueParser.parse(parts[0].equals("yaml"), parts[1], text)));
                    continue;
                }
                for (String result : batch) {
                    out.println(result);
                }
                out.flush();
                batch.clear();
            }
        } else {
            System.err.println("usage: FlinkOptions list <jar>... | FlinkOptions parse");
            System.exit(2);
        }
    }
}
