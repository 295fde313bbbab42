using System.Text;
using System.Text.Json;

namespace Failover.Functions.Runtime;

/// Structured log lines in Lambda's JSON log format: timestamp, level, requestId, message, then fields.
public sealed class JsonLog(TextWriter output, TimeProvider time, string? requestId = null)
{
    private static readonly Lock Gate = new();

    public JsonLog ForRequest(string id) => new(output, time, id);

    public void Info(string message, params (string Key, object? Value)[] fields) => Write("INFO", message, fields);

    public void Error(string message, params (string Key, object? Value)[] fields) => Write("ERROR", message, fields);

    private void Write(string level, string message, (string Key, object? Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", level);
            if (requestId is not null) json.WriteString("requestId", requestId);
            json.WriteString("message", message);
            foreach (var (key, value) in fields)
            {
                switch (value)
                {
                    case null: json.WriteNull(key); break;
                    case bool b: json.WriteBoolean(key, b); break;
                    case int i: json.WriteNumber(key, i); break;
                    case long l: json.WriteNumber(key, l); break;
                    case double d: json.WriteNumber(key, d); break;
                    default: json.WriteString(key, value.ToString()); break;
                }
            }
            json.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.ToArray());
        lock (Gate) output.WriteLine(line);
    }
}
