package dev.bytegrad.runtime.io;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an
 * 8-byte little-endian header length, a JSON header mapping each name to its dtype, shape and byte range
 * (plus an optional {@code __metadata__} object of strings), then the raw little-endian data. Other
 * tools (Python with numpy alone, PyTorch, the safetensors library) read what this writes.
 *
 * <p>Writing is atomic: the file is written under a temporary name in the same directory, forced to
 * disk, and renamed over the target, so a crash leaves either the old file or the new one. Reading
 * validates the whole header against the file's size (header length, dtypes, shapes, byte ranges that
 * must tile the data exactly) before it allocates anything for the data, and fails with a
 * {@link CheckpointException} that names the file and what is wrong.
 */
public final class SafeTensors {
  /** The largest header accepted, as in the reference implementation: 100 MB. */
  static final long MAX_HEADER_BYTES = 100_000_000L;
  private static final String METADATA = "__metadata__";

  /** What a file holds: tensors by name, in file order, and the metadata strings. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  /** One tensor's entry in a validated header. */
  public record Entry(String name, DType dtype, Shape shape, long begin, long end) {}

  /** A validated header: the entries by name and the metadata. */
  public record Header(Map<String, Entry> entries, Map<String, String> metadata, long dataStart) {}

  private SafeTensors() {}

  /** Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, atomically. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    StringBuilder header = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      header.append(JsonText.quote(METADATA)).append(":{");
      String separator = "";
      for (Map.Entry<String, String> entry : metadata.entrySet()) {
        header.append(separator).append(JsonText.quote(entry.getKey())).append(':').append(JsonText.quote(entry.getValue()));
        separator = ",";
      }
      header.append('}');
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
      if (entry.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("a tensor cannot be called " + METADATA);
      }
      Tensor tensor = entry.getValue();
      long bytes = (long) tensor.size() * tensor.dtype().byteSize();
      header.append(header.length() > 1 ? "," : "").append(JsonText.quote(entry.getKey()))
          .append(":{\"dtype\":\"").append(tensor.dtype().name()).append("\",\"shape\":")
          .append(java.util.Arrays.toString(tensor.shape().dims()).replace(" ", ""))
          .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    header.append('}');
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    // padded with spaces so the data starts 8-byte aligned, as the format recommends
    byte[] headerBytes = java.util.Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    java.util.Arrays.fill(headerBytes, json.length, headerBytes.length, (byte) ' ');
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
    // temporary files start private (0600); a checkpoint is as readable as any file the user writes
    temporary.toFile().setReadable(true, false);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).flip();
        writeFully(channel, length);
        writeFully(channel, ByteBuffer.wrap(headerBytes));
        for (Tensor tensor : tensors.values()) {
          writeFully(channel, encode(tensor));
        }
        channel.force(true);
      }
      move(temporary, file);
    } finally {
      Files.deleteIfExists(temporary);
    }
    forceDirectory(directory);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + to + " atomically on this file system", e);
    }
  }

  /** Makes the rename itself durable (POSIX): fsync of the directory holding the file. */
  private static void forceDirectory(Path directory) throws IOException {
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      return; // directories cannot be opened for fsync there; NTFS journals the rename
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static ByteBuffer encode(Tensor tensor) {
    ByteBuffer buffer = ByteBuffer.allocate(tensor.size() * tensor.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.dtype()) {
      case F32 -> buffer.asFloatBuffer().put(tensor.floats());
      case F64 -> buffer.asDoubleBuffer().put(tensor.doubles());
      case I32 -> buffer.asIntBuffer().put(tensor.ints());
    }
    return buffer;
  }

  /** Reads and validates the header of {@code file}, without reading any tensor data. */
  public static Header header(Path file) throws IOException {
    try (FileChannel channel = open(file)) {
      return header(channel, file);
    }
  }

  /** Reads every tensor of {@code file} into new tensors. */
  public static Contents read(Path file) throws IOException {
    try (FileChannel channel = open(file)) {
      Header header = header(channel, file);
      ByteBuffer data = data(channel, header, file);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Entry entry : header.entries().values()) {
        Tensor tensor = Tensor.zeros(entry.dtype(), entry.shape());
        decode(data, entry, tensor);
        tensors.put(entry.name(), tensor);
      }
      return new Contents(tensors, header.metadata());
    }
  }

  /**
   * Reads {@code file} into {@code targets}, which must be exactly the file's tensors: the same names,
   * dtypes and shapes. Everything is checked, and the data read whole, before any target is written, so
   * a bad file leaves the targets as they were. Returns the metadata.
   */
  public static Map<String, String> load(Path file, Map<String, Tensor> targets) throws IOException {
    return load(file, targets, false);
  }

  /**
   * As {@link #load(Path, Map)}, but when {@code allowUnused} the file may hold more tensors than the
   * targets (an inference model reading a training checkpoint that also holds optimizer state).
   */
  public static Map<String, String> load(Path file, Map<String, Tensor> targets, boolean allowUnused) throws IOException {
    try (FileChannel channel = open(file)) {
      Header header = header(channel, file);
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, Tensor> target : targets.entrySet()) {
        Entry entry = header.entries().get(target.getKey());
        Tensor tensor = target.getValue();
        if (entry == null) {
          problems.add("missing " + target.getKey());
        } else if (entry.dtype() != tensor.dtype() || !entry.shape().equals(tensor.shape())) {
          problems.add(String.format("%s is %s%s in the file but %s%s in the model",
              entry.name(), entry.dtype(), entry.shape(), tensor.dtype(), tensor.shape()));
        }
      }
      if (!allowUnused) {
        header.entries().keySet().stream().filter(name -> !targets.containsKey(name))
            .forEach(name -> problems.add("unexpected " + name));
      }
      if (!problems.isEmpty()) {
        throw new CheckpointException(file + " does not fit the model: " + String.join("; ", problems));
      }
      ByteBuffer data = data(channel, header, file);
      for (Map.Entry<String, Tensor> target : targets.entrySet()) {
        decode(data, header.entries().get(target.getKey()), target.getValue());
      }
      return header.metadata();
    }
  }

  private static FileChannel open(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint " + file + " does not exist", e);
    }
  }

  private static Header header(FileChannel channel, Path file) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new CheckpointException(file + " is truncated: " + size + " bytes, less than the 8-byte header length");
    }
    ByteBuffer lengthBytes = readAt(channel, 0, 8, file).order(ByteOrder.LITTLE_ENDIAN);
    long length = lengthBytes.getLong();
    if (length < 2 || length > MAX_HEADER_BYTES || Long.compareUnsigned(length, size - 8) > 0) {
      throw new CheckpointException(String.format(
          "%s: the header length %s is impossible (the file has %d bytes after it, and headers are limited to %d)",
          file, Long.toUnsignedString(length), size - 8, MAX_HEADER_BYTES));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(readAt(channel, 8, (int) length, file)).toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointException(file + ": the header is not valid UTF-8", e);
    }
    if (!text.startsWith("{")) {
      throw new CheckpointException(file + ": the header does not start with '{'; this is not a safetensors file");
    }
    return validate(JsonText.parse(text, file.toString()), file, 8 + length, size - 8 - length);
  }

  @SuppressWarnings("unchecked")
  private static Header validate(Object json, Path file, long dataStart, long dataBytes) {
    Map<String, Object> root = (Map<String, Object>) json;
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Map.Entry<String, Object> item : root.entrySet()) {
      String name = item.getKey();
      if (name.equals(METADATA)) {
        if (!(item.getValue() instanceof Map<?, ?> map)) {
          throw new CheckpointException(file + ": " + METADATA + " must be an object of strings");
        }
        map.forEach((key, value) -> {
          if (!(value instanceof String string)) {
            throw new CheckpointException(file + ": metadata \"" + key + "\" is not a string");
          }
          metadata.put((String) key, string);
        });
      } else {
        entries.put(name, entry(name, item.getValue(), file));
      }
    }
    List<Entry> byOffset = new ArrayList<>(entries.values());
    byOffset.sort(Comparator.comparingLong(Entry::begin));
    long expected = 0;
    for (Entry entry : byOffset) {
      if (entry.begin() != expected) {
        throw new CheckpointException(String.format("%s: tensor %s starts at byte %d of the data, but %s; the byte ranges "
            + "must tile the data without gaps or overlaps", file, entry.name(), entry.begin(),
            entry.begin() < expected ? "an earlier tensor ends at " + expected : "the previous one ends at " + expected));
      }
      expected = entry.end();
    }
    if (expected != dataBytes) {
      throw new CheckpointException(String.format("%s is %s: the header describes %d bytes of data but the file holds %d",
          file, expected > dataBytes ? "truncated" : "padded with trailing bytes", expected, dataBytes));
    }
    return new Header(entries, metadata, dataStart);
  }

  private static Entry entry(String name, Object value, Path file) {
    if (!(value instanceof Map<?, ?> fields) || !fields.keySet().equals(java.util.Set.of("dtype", "shape", "data_offsets"))) {
      throw new CheckpointException(file + ": tensor " + name + " must have exactly dtype, shape and data_offsets");
    }
    DType dtype = dtype(fields.get("dtype"), name, file);
    long[] dims = integers(fields.get("shape"), -1, name + "'s shape", file);
    long[] offsets = integers(fields.get("data_offsets"), 2, name + "'s data_offsets", file);
    long elements = 1;
    int[] shape = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      elements *= dims[i];
      if (dims[i] > Integer.MAX_VALUE || elements > Integer.MAX_VALUE) {
        throw new CheckpointException(file + ": tensor " + name + " has more elements than a tensor can hold");
      }
      shape[i] = (int) dims[i];
    }
    if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != elements * dtype.byteSize()) {
      throw new CheckpointException(String.format("%s: tensor %s of %d %s elements needs %d bytes, but its data_offsets %d..%d span %d",
          file, name, elements, dtype, elements * dtype.byteSize(), offsets[0], offsets[1], offsets[1] - offsets[0]));
    }
    return new Entry(name, dtype, Shape.of(shape), offsets[0], offsets[1]);
  }

  private static DType dtype(Object code, String name, Path file) {
    for (DType dtype : DType.values()) {
      if (dtype.name().equals(code)) {
        return dtype;
      }
    }
    throw new CheckpointException(file + ": tensor " + name + " has dtype " + code + "; bytegrad reads F32, F64 and I32");
  }

  private static long[] integers(Object value, int count, String what, Path file) {
    if (!(value instanceof List<?> list) || (count >= 0 && list.size() != count) || list.size() > 32
        || !list.stream().allMatch(Long.class::isInstance)) {
      throw new CheckpointException(file + ": " + what + " must be a list of " + (count >= 0 ? count + " " : "")
          + "non-negative integers");
    }
    return list.stream().mapToLong(Long.class::cast).toArray();
  }

  private static ByteBuffer data(FileChannel channel, Header header, Path file) throws IOException {
    long bytes = channel.size() - header.dataStart();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(file + " holds more than 2 GB of tensor data, more than bytegrad reads in one piece");
    }
    return readAt(channel, header.dataStart(), (int) bytes, file).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer readAt(FileChannel channel, long position, int bytes, Path file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(bytes);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new CheckpointException(file + " is truncated: it ended while reading bytes " + position + ".." + (position + bytes));
      }
    }
    return buffer.flip();
  }

  private static void decode(ByteBuffer data, Entry entry, Tensor target) {
    ByteBuffer slice = data.duplicate().position((int) entry.begin()).limit((int) entry.end()).slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (entry.dtype()) {
      case F32 -> slice.asFloatBuffer().get(target.floats());
      case F64 -> slice.asDoubleBuffer().get(target.doubles());
      case I32 -> slice.asIntBuffer().get(target.ints());
    }
  }
}
