package dev.bytegrad.cli.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A text for character language models: its characters (Unicode code points) as ids into a vocabulary
 * of the distinct characters in sorted order, split into a training part (the first 90%) and a held-out
 * part (the rest) at a fixed place, so every run and every model is scored on the same characters.
 *
 * <p>{@code --data} names it: {@code genesis} (the default, shipped: the Book of Genesis, King James
 * Version, public domain; see {@code dev/bytegrad/cli/data/README.md}), or {@code text:FILE} for any
 * UTF-8 text file.
 */
public record Corpus(String spec, String vocabulary, int[] train, int[] heldOut) {
  /** The names {@code --data} accepts for text. */
  public static final List<String> NAMES = List.of("genesis", "text:FILE");

  /** Held-out share of the text. */
  public static final double HELD_OUT = 0.1;

  /** Fewest characters in each part: a few sequences' worth. */
  static final int MINIMUM_PART = 64;

  /** Loads the text {@code spec} names. */
  public static Corpus load(String spec) {
    String text;
    if (spec.equals("genesis")) {
      text = resource("genesis.txt.gz");
    } else if (spec.startsWith("text:")) {
      text = file(Path.of(spec.substring(5)));
    } else {
      throw new IllegalArgumentException("unknown text '" + spec + "'; choose one of " + String.join(", ", NAMES));
    }
    return of(spec, text);
  }

  /** The corpus of {@code text}, its vocabulary the distinct code points in it. */
  public static Corpus of(String spec, String text) {
    int[] points = text.codePoints().toArray();
    int split = (int) Math.round(points.length * (1 - HELD_OUT));
    if (split < MINIMUM_PART || points.length - split < MINIMUM_PART) {
      throw new IllegalArgumentException(spec + " has " + points.length + " characters; a character model needs at least "
          + (int) Math.ceil(MINIMUM_PART / HELD_OUT) + " (" + MINIMUM_PART + " held out)");
    }
    int[] distinct = Arrays.stream(points).distinct().sorted().toArray();
    String vocabulary = new String(distinct, 0, distinct.length);
    int[] ids = new int[points.length];
    for (int i = 0; i < points.length; i++) {
      ids[i] = Arrays.binarySearch(distinct, points[i]);
    }
    return new Corpus(spec, vocabulary, Arrays.copyOfRange(ids, 0, split), Arrays.copyOfRange(ids, split, ids.length));
  }

  /** Number of distinct characters. */
  public int size() {
    return vocabulary.codePointCount(0, vocabulary.length());
  }

  /**
   * The entropy, in bits per character, of the characters' frequencies in the training part, measured on
   * the held-out part (its cross-entropy): what a model that ignores all context scores. A character unseen
   * in training counts as seen once.
   */
  public double unigramBits() {
    double[] counts = new double[size()];
    Arrays.fill(counts, 0);
    for (int id : train) {
      counts[id]++;
    }
    double total = 0;
    for (int k = 0; k < counts.length; k++) {
      counts[k] = Math.max(counts[k], 1);
      total += counts[k];
    }
    double bits = 0;
    for (int id : heldOut) {
      bits -= Math.log(counts[id] / total) / Math.log(2);
    }
    return bits / heldOut.length;
  }

  /** The text of {@code ids}. */
  public String decode(int[] ids) {
    int[] points = vocabulary.codePoints().toArray();
    StringBuilder text = new StringBuilder();
    for (int id : ids) {
      text.appendCodePoint(points[id]);
    }
    return text.toString();
  }

  /** The id of each character of {@code text}; a character outside the vocabulary is an error naming it. */
  public static int[] encode(String vocabulary, String text) {
    int[] points = vocabulary.codePoints().toArray();
    return text.codePoints().map(c -> {
      int id = Arrays.binarySearch(points, c);
      if (id < 0) {
        throw new IllegalArgumentException("'" + new String(Character.toChars(c)) + "' (U+" + String.format("%04X", c)
            + ") is not in the model's vocabulary of " + points.length + " characters");
      }
      return id;
    }).toArray();
  }

  private static String resource(String name) {
    try (InputStream in = Corpus.class.getResourceAsStream("/dev/bytegrad/cli/data/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the shipped text " + name + " is missing from the classpath");
      }
      return decode(new GZIPInputStream(in).readAllBytes(), name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped text " + name + ": " + e.getMessage(), e);
    }
  }

  private static String file(Path path) {
    try {
      return decode(Files.readAllBytes(path), path.toString());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the text file " + path + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the text file " + path + ": " + e.getMessage(), e);
    }
  }

  /** UTF-8, strictly: a malformed byte is an error with its offset, not a replacement character. */
  private static String decode(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int offset = firstMalformed(bytes);
      throw new IllegalArgumentException(what + " is not UTF-8 text: malformed bytes at offset " + offset);
    }
  }

  private static int firstMalformed(byte[] bytes) {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    var out = java.nio.CharBuffer.allocate(bytes.length + 1);
    var result = decoder.decode(in, out, true);
    return result.isError() ? in.position() : -1;
  }
}
