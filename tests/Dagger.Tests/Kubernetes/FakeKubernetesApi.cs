using System.Net;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Tests.Servers;

namespace Dagger.Orleans.Tests.Kubernetes;

/// <summary>
/// The few Kubernetes API calls Orleans' Kubernetes agent makes, answered on a loopback port for one pod: read it,
/// patch its labels, list the pods, watch them (held open until disposed). Records every request.
/// </summary>
public sealed class FakeKubernetesApi : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;
    private readonly List<(string Method, string PathAndQuery, string Body)> _requests = [];
    private readonly Dictionary<string, string> _labels = [];
    private readonly string _namespace;
    private readonly string _pod;

    public FakeKubernetesApi(string @namespace, string pod)
    {
        (_namespace, _pod) = (@namespace, pod);
        Port = ServerProcess.FreeLoopbackPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public (string Method, string PathAndQuery, string Body)[] Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    public IReadOnlyDictionary<string, string> PodLabels
    {
        get
        {
            lock (_requests) return new Dictionary<string, string>(_labels);
        }
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = request.Url!.AbsolutePath;
        lock (_requests) _requests.Add((request.HttpMethod, request.Url.PathAndQuery, body));
        var podPath = $"/api/v1/namespaces/{_namespace}/pods/{_pod}";
        var listPath = $"/api/v1/namespaces/{_namespace}/pods";
        var response = context.Response;
        response.ContentType = "application/json";
        if (path == listPath && request.QueryString["watch"] == "true")
        {
            // A watch stays open: nothing changes while the test runs.
            response.SendChunked = true;
            response.StatusCode = 200;
            await response.OutputStream.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
            }
            response.Abort();
            return;
        }
        object answer;
        if (path == podPath && request.HttpMethod == "PATCH")
        {
            using var patch = JsonDocument.Parse(body);
            lock (_requests)
            {
                foreach (var label in patch.RootElement.GetProperty("metadata").GetProperty("labels").EnumerateObject()) _labels[label.Name] = label.Value.GetString()!;
            }
            answer = Pod();
        }
        else if (path == podPath && request.HttpMethod == "GET") answer = Pod();
        else if (path == listPath && request.HttpMethod == "GET") answer = new { apiVersion = "v1", kind = "PodList", metadata = new { }, items = new[] { Pod() } };
        else
        {
            response.StatusCode = 404;
            answer = new { apiVersion = "v1", kind = "Status", status = "Failure", reason = "NotFound", code = 404 };
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(answer);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private object Pod()
    {
        lock (_requests)
        {
            return new
            {
                apiVersion = "v1",
                kind = "Pod",
                metadata = new { name = _pod, @namespace = _namespace, labels = new Dictionary<string, string>(_labels) },
                status = new { phase = "Running", podIP = "127.0.0.1" },
            };
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
