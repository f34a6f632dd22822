public import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

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
    final class Outcome: @unchecked Sendable {
      var problem: String?
    }
    var request = URLRequest(url: url, timeoutInterval: 30)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(text.utf8)
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let task = URLSession.shared.dataTask(with: request) { body, response, error in
      if let error {
        outcome.problem = "cannot post the traces (\(error.localizedDescription))"
      } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
        let text = body.map { String(decoding: $0.prefix(200), as: UTF8.self) } ?? ""
        outcome.problem = "the collector answered \(http.statusCode) \(text)"
      }
      done.signal()
    }
    task.resume()
    done.wait()
    return outcome.problem
  }
}
