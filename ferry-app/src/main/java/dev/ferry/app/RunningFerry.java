package dev.ferry.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Ferry that runs a configuration file, as the commands that talk to it see it: at the file's
 * {@code http.listen}, with the file's {@code http.token}. {@code status} reads it; {@code reload}, {@code pause} and
 * {@code resume} send it a {@link ControlAction}.
 */
final class RunningFerry {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a control request may take: a reload stops and starts backups, each stop waiting on its sends. */
    private static final Duration CONTROL_WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final HttpConfig http;

    private RunningFerry(HttpConfig http) {
        this.http = http;
    }

    static RunningFerry of(FerryConfig config) {
        return new RunningFerry(config.http());
    }

    /** Its {@code /status}, or null when no Ferry answers there (or answers other than 200). */
    JsonNode statusOrNull() {
        try {
            HttpResponse<String> response = HTTP.send(request("/status", Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException | InterruptedException | RuntimeException nobodyThere) {
            if (nobodyThere instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    /**
     * POSTs a control request, prints the answer ({@code out} on 200, {@code err} otherwise) and returns the exit
     * code: 0 done, 2 refused as bad input (400), 1 otherwise, also when no Ferry answers (saying how to start one).
     */
    int control(String path, Map<String, String> parameters, PrintWriter out, PrintWriter err) {
        String query = parameters.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        HttpResponse<String> response;
        try {
            response = HTTP.send(request(path + (query.isEmpty() ? "" : "?" + query), CONTROL_WAIT)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("ferry: interrupted while waiting for the Ferry at http://" + http + "/");
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println("ferry: no Ferry answers at http://" + http + "/ (" + e.getClass().getSimpleName() + "); "
                + path.substring(1) + " acts on a running Ferry: is 'bin/ferry run' running with this file?");
            return ExitCodes.FAILED;
        }
        String body = response.body().stripTrailing();
        if (response.statusCode() == 200) {
            out.println(body);
            return ExitCodes.OK;
        }
        err.println("ferry: the Ferry at http://" + http + "/ answered " + response.statusCode() + ": " + body);
        return response.statusCode() == 400 ? ExitCodes.BAD_INPUT : ExitCodes.FAILED;
    }

    private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + http + pathAndQuery))
            .timeout(timeout);
        http.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return request;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
