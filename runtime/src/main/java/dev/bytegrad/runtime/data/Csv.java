package dev.bytegrad.runtime.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads numeric tables from delimited text: comma- or whitespace-separated numbers, one row a line,
 * optionally gzip-compressed (recognized by its magic bytes, not by the file name).
 *
 * <p>Every row must have as many columns as the first; blank lines are skipped. A malformed file fails
 * with the source name, the line and the column of the first problem, and a truncated gzip stream fails
 * as truncated rather than yielding fewer rows.
 */
public final class Csv {
  private static final Pattern SEPARATOR = Pattern.compile("\\s*,\\s*|\\s+");

  private Csv() {}

  /** Reads all rows of {@code in}; {@code source} names the data in error messages. */
  public static double[][] read(InputStream in, String source) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(decompressIfGzip(in), StandardCharsets.UTF_8))) {
      return parse(reader, source);
    } catch (EOFException | ZipException e) {
      throw new IllegalArgumentException(source + ": truncated or corrupt gzip data", e);
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** {@code in}, decompressed when it starts with gzip's magic bytes. */
  static InputStream decompressIfGzip(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    boolean gzip = first == 0x1f && second == 0x8b;
    return gzip ? new GZIPInputStream(buffered) : buffered;
  }

  private static double[][] parse(BufferedReader reader, String source) throws IOException {
    List<double[]> rows = new ArrayList<>();
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      double[] row = parseRow(SEPARATOR.split(trimmed), source, lineNumber);
      if (!rows.isEmpty() && row.length != rows.get(0).length) {
        throw new IllegalArgumentException(String.format(
            "%s line %d: %d columns, but the first row has %d",
            source, lineNumber, row.length, rows.get(0).length));
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(source + ": no rows of data");
    }
    return rows.toArray(new double[0][]);
  }

  private static double[] parseRow(String[] fields, String source, int lineNumber) {
    double[] row = new double[fields.length];
    for (int column = 0; column < fields.length; column++) {
      try {
        row[column] = Double.parseDouble(fields[column]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(String.format(
            "%s line %d, column %d: '%s' is not a number",
            source, lineNumber, column + 1, fields[column]), e);
      }
      if (!Double.isFinite(row[column])) {
        throw new IllegalArgumentException(String.format(
            "%s line %d, column %d: '%s' is not finite", source, lineNumber, column + 1, fields[column]));
      }
    }
    return row;
  }
}
