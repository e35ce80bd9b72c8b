using System.Buffers.Binary;
using System.IO.Compression;

namespace Herald.Tests.Otel;

/// <summary>
/// A PNG decoded to RGBA pixels, enough to tell a screenshot with content from a blank one: 8-bit truecolour (with or
/// without alpha) or greyscale, not interlaced — what Chromium writes.
/// </summary>
internal sealed class PngImage
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private PngImage(int width, int height, uint[] pixels)
    {
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>0xRRGGBBAA per pixel, row by row.</summary>
    public uint[] Pixels { get; }

    /// <summary>How many different colours the image has.</summary>
    public int DistinctColours => Pixels.Distinct().Count();

    /// <summary>The most common colour (the background).</summary>
    public uint Background => Pixels.GroupBy(p => p).MaxBy(g => g.Count())!.Key;

    /// <summary>The share of pixels that are not the background colour.</summary>
    public double ForegroundShare
    {
        get
        {
            uint background = Background;
            return Pixels.Count(p => p != background) / (double)Pixels.Length;
        }
    }

    /// <exception cref="FormatException">Not a PNG this reader handles.</exception>
    public static PngImage Decode(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature)) throw new FormatException("not a PNG");
        int width = 0, height = 0, colourType = -1;
        using var compressed = new MemoryStream();
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            ReadOnlySpan<byte> data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                (int bitDepth, colourType, int interlace) = (data[8], data[9], data[12]);
                if (bitDepth != 8 || colourType is not (0 or 2 or 6) || interlace != 0)
                    throw new FormatException($"PNG bit depth {bitDepth}, colour type {colourType}, interlace {interlace}: not handled");
            }
            else if (type == "IDAT") compressed.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        int channels = colourType switch { 0 => 1, 2 => 3, _ => 4 };
        int stride = width * channels;
        byte[] raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress)) zlib.ReadExactly(raw);

        var pixels = new uint[width * height];
        byte[] previous = new byte[stride], row = new byte[stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            raw.AsSpan(y * (stride + 1) + 1, stride).CopyTo(row);
            for (int i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                row[i] = (byte)(row[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new FormatException($"PNG filter {filter}"),
                });
            }
            for (int x = 0; x < width; x++)
            {
                int p = x * channels;
                pixels[y * width + x] = channels switch
                {
                    1 => (uint)(row[p] << 24 | row[p] << 16 | row[p] << 8 | 0xFF),
                    3 => (uint)(row[p] << 24 | row[p + 1] << 16 | row[p + 2] << 8 | 0xFF),
                    _ => (uint)(row[p] << 24 | row[p + 1] << 16 | row[p + 2] << 8 | row[p + 3]),
                };
            }
            (previous, row) = (row, previous);
        }
        return new PngImage(width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
