public import Foundation
import RunLensHTTP

/// Posting OTLP/JSON traces to an OTLP/HTTP collector (`runlens export --otlp-endpoint`).
public enum OTLPCollector {
  /// The collector's traces URL: the endpoint as given, or with `/v1/traces` when it has no
  /// path (as OTLP/HTTP exporters treat `OTEL_EXPORTER_OTLP_ENDPOINT`); `nil` unless an http
  /// or https URL with a host.
  ///
  /// - Parameter endpoint: The `--otlp-endpoint` argument.
  /// - Returns: The URL to post to.
  public static func tracesURL(_ endpoint: String) -> URL? {
    guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", url.host != nil
    else { return nil }
    return url.path.isEmpty || url.path == "/" ? url.appendingPathComponent("v1/traces") : url
  }

  /// Posts the document (JSON) and waits for the answer.
  ///
  /// - Parameters:
  ///   - text: The `ExportTraceServiceRequest` as JSON.
  ///   - url: The traces URL.
  /// - Returns: What went wrong, or `nil` on a 2xx answer.
  public static func post(_ text: String, to url: URL) -> String? {
    var request = HTTPTransport.Request(method: "POST", url: url, body: Data(text.utf8))
    request.setHeader("Content-Type", "application/json")
    let answer: HTTPTransport.Response
    do {
      answer = try HTTPTransport().perform(request, timeout: 30)
    } catch {
      switch error {
      case .timeout: return "cannot post the traces (no answer within 30 s)"
      case .connection(let reason): return "cannot post the traces (\(reason))"
      case .cannotWrite(let reason): return "cannot post the traces (\(reason))"
      case .tooLarge(let limit):
        return
          "the collector's answer is longer than \(limit >> 20) MiB; runlens stopped reading it"
      case .headersTooLarge(let bound):
        return "the collector's answer's headers are more than \(bound); runlens stopped reading it"
      }
    }
    guard (200..<300).contains(answer.status) else {
      return "the collector answered \(answer.status) "
        + String(decoding: answer.body.prefix(200), as: UTF8.self)
    }
    return nil
  }
}
