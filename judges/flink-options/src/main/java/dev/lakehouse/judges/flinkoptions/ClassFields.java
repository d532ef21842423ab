package dev.lakehouse.judges.flinkoptions;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the field table of a class file (JVM specification, chapter 4) without loading the class, so that only the
 * classes that declare options are loaded: loading every class of flink-dist would fail on the optional dependencies
 * it does not bundle (Hadoop, YARN).
 */
final class ClassFields {
    static final String CONFIG_OPTION = "Lorg/apache/flink/configuration/ConfigOption;";
    private static final byte[] MARKER = CONFIG_OPTION.getBytes(StandardCharsets.US_ASCII);
    private static final int PUBLIC = 0x0001;
    private static final int STATIC = 0x0008;

    private ClassFields() {}

    /**
     * The names of the public static fields of type {@code ConfigOption}, in declaration order.
     *
     * @param bytes a class file
     * @return the field names; empty when the class declares none
     * @throws IOException the bytes are not a class file
     */
    static List<String> publicStaticOptionFields(byte[] bytes) throws IOException {
        List<String> names = new ArrayList<>();
        if (!contains(bytes, MARKER)) {
            return names;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int interfaces = in.readUnsignedShort();
        in.skipBytes(2 * interfaces);
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            int access = in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.readUnsignedShort();
                in.skipBytes(in.readInt());
            }
            if ((access & (PUBLIC | STATIC)) == (PUBLIC | STATIC) && CONFIG_OPTION.equals(descriptor)) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
