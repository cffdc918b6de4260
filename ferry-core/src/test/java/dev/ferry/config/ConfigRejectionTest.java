package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every configuration Ferry refuses, each with the one line the operator reads. */
class ConfigRejectionTest {

    /** Part of every secret below: no message may show it. */
    private static final String NEVER_SHOWN = "never-shown";
    private static final Map<String, String> ENVIRONMENT = Map.of("HZ_AK", "ak-1", "BROKEN", "127.0.0.1\n:9876",
        "EMPTY", "", "SHORT_KEY", NEVER_SHOWN + "-9c1e");

    private static final String CLUSTERS = """
        clusters:
          hangzhou:
            namesrv: 127.0.0.1:9876
          shanghai:
            embedded: true
        """;

    private static final String ORDERS_DR = """
          - name: orders-dr
            source: hangzhou
            target: shanghai
            topics: [orders]
        """;

    private static final String SHORT_TOKEN = "s3cret-short";
    private static final String SPACED_TOKEN = "s3cret with spaces in it";
    private static final String BROKEN_TOKEN = "s3cret-broken-${TOKEN";
    private static final String GOOD_TOKEN = "s3cret-0123456789abcdef";

    @TempDir
    Path dir;

    static Stream<Arguments> rejections() {
        return Stream.of(
            // the file as a whole
            arguments("a list at the top", "- clusters\n- backups\n",
                "expected a map with clusters, backups and http at the top, found a list"),
            arguments("unknown top-level key", CLUSTERS + "bakups: []\n",
                "bakups: unknown key (allowed: clusters, backups, http, signingKey, copy, checkpointInterval)"),

            // clusters
            arguments("no clusters key", "backups:\n" + ORDERS_DR,
                "clusters: missing (at least one cluster is required)"),
            arguments("no cluster in clusters", "clusters: {}\nbackups:\n" + ORDERS_DR,
                "clusters: no clusters (at least one is required)"),
            arguments("clusters as a list", "clusters: [hangzhou]\nbackups:\n" + ORDERS_DR,
                "clusters: expected a map of cluster names to clusters, found a list"),
            arguments("unknown cluster key", hangzhouWith("namesrvAddr", "127.0.0.1:9876"),
                "clusters.hangzhou.namesrvAddr: unknown key (allowed: namesrv, accessKey, secretKey, stamp, embedded, tls)"),
            arguments("invalid cluster name", "clusters:\n  hang zhou: {namesrv: 127.0.0.1:9876}\n",
                "clusters.hang zhou: invalid cluster name 'hang zhou' (1 to 64 of A-Z a-z 0-9 _ . -)"),
            arguments("cluster name too long", "clusters:\n  " + "c".repeat(65) + ": {embedded: true}\n",
                "clusters." + "c".repeat(65) + ": invalid cluster name '" + "c".repeat(65)
                    + "' (1 to 64 of A-Z a-z 0-9 _ . -)"),
            arguments("cluster without a value", "clusters:\n  hangzhou:\n",
                "clusters.hangzhou: expected a map with namesrv or embedded: true, found nothing"),
            arguments("cluster with neither namesrv nor embedded", hangzhouWith("namesrv", null, "stamp", "{unit: hz}"),
                "clusters.hangzhou: needs namesrv (host:port[;host:port...]) or embedded: true"),
            arguments("cluster with embedded: false only", hangzhouWith("namesrv", null, "embedded", "false"),
                "clusters.hangzhou: needs namesrv (host:port[;host:port...]) or embedded: true"),
            arguments("cluster with both namesrv and embedded", hangzhouWith("embedded", "true"),
                "clusters.hangzhou: has both namesrv and embedded: true (choose one)"),
            arguments("embedded not a boolean", hangzhouWith("namesrv", null, "embedded", "yes"),
                "clusters.hangzhou.embedded: expected true or false, found 'yes'"),
            arguments("tls not a boolean or a map", hangzhouWith("tls", "yes"),
                "clusters.hangzhou.tls: expected true or false, found 'yes'"),
            arguments("tls with an unknown key", hangzhouWith("tls", "{trustCert: /ca.pem}"),
                "clusters.hangzhou.tls.trustCert: unknown key (allowed: trustCertPath, certPath, keyPath,"
                    + " verifyHostname)"),
            arguments("tls trust file that does not exist", hangzhouWith("tls", "{trustCertPath: /no/such/ca.pem}"),
                "clusters.hangzhou.tls.trustCertPath: cannot read '/no/such/ca.pem' (a PEM file)"),
            arguments("tls name check off without a CA", hangzhouWith("tls", "{verifyHostname: false}"),
                "clusters.hangzhou.tls.verifyHostname: false without trustCertPath: without a CA to check against, no"
                    + " server is verified at all"),
            arguments("tls name check not a flag", hangzhouWith("tls", "{trustCertPath: '"
                    + Path.of(System.getProperty("java.home"), "release") + "', verifyHostname: maybe}"),
                "clusters.hangzhou.tls.verifyHostname: expected true or false, found 'maybe'"),
            arguments("tls client certificate without its key", hangzhouWith("tls", "{certPath: '"
                    + Path.of(System.getProperty("java.home"), "release") + "'}"),
                "clusters.hangzhou.tls.keyPath: missing (a client certificate needs both certPath and keyPath)"),
            arguments("tls on an embedded cluster", CLUSTERS.replace("embedded: true", "{embedded: true, tls: true}")
                + "backups:\n" + ORDERS_DR,
                "clusters.shanghai.tls: an embedded cluster is plain TCP on loopback (remove tls)"),
            arguments("namesrv without port", hangzhouWith("namesrv", "127.0.0.1"),
                "clusters.hangzhou.namesrv: '127.0.0.1' is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)"),
            arguments("namesrv with a port out of range", hangzhouWith("namesrv", "127.0.0.1:9876;127.0.0.2:98760"),
                "clusters.hangzhou.namesrv: '127.0.0.2:98760' is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)"),
            arguments("namesrv separated by commas", hangzhouWith("namesrv", "'127.0.0.1:9876,127.0.0.2:9876'"),
                "clusters.hangzhou.namesrv: '127.0.0.1:9876,127.0.0.2:9876' is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)"),
            arguments("namesrv with an empty address", hangzhouWith("namesrv", "'127.0.0.1:9876;'"),
                "clusters.hangzhou.namesrv: '' is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)"),
            arguments("namesrv with a line break from the environment", hangzhouWith("namesrv", "${BROKEN}"),
                "clusters.hangzhou.namesrv: '127.0.0.1 :9876' is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)"),
            arguments("accessKey without secretKey", hangzhouWith("accessKey", "ak"),
                "clusters.hangzhou.secretKey: missing (accessKey is set; RocketMQ ACL needs both)"),
            arguments("secretKey without accessKey", hangzhouWith("secretKey", "sk"),
                "clusters.hangzhou.accessKey: missing (secretKey is set; RocketMQ ACL needs both)"),
            arguments("unset environment variable", hangzhouWith("accessKey", "${HZ_AK}", "secretKey", "${HZ_SK}"),
                "clusters.hangzhou.secretKey: environment variable HZ_SK is not set"),
            arguments("environment variable set to nothing", hangzhouWith("accessKey", "${EMPTY}"),
                "clusters.hangzhou.accessKey: is empty"),
            arguments("unterminated environment reference", hangzhouWith("namesrv", "${HZ_NS"),
                "clusters.hangzhou.namesrv: unterminated ${ in '${HZ_NS' (write $${ for a literal ${)"),
            arguments("unterminated reference in a secret, not quoted",
                hangzhouWith("accessKey", "ak", "secretKey", NEVER_SHOWN + "${x"),
                "clusters.hangzhou.secretKey: unterminated ${ (write $${ for a literal ${)"),
            arguments("invalid environment variable name", hangzhouWith("namesrv", "${HZ NS}"),
                "clusters.hangzhou.namesrv: '${HZ NS}' is neither an environment variable reference"
                    + " (a name is letters, digits and _) nor ${file:PATH}"),
            arguments("invalid reference in a secret, not quoted", hangzhouWith("accessKey", "${" + NEVER_SHOWN + "}",
                    "secretKey", "sk"),
                "clusters.hangzhou.accessKey: a ${...} is neither an environment variable reference"
                    + " (a name is letters, digits and _) nor ${file:PATH}"),
            arguments("a file reference without a file", hangzhouWith("accessKey", "${file:}", "secretKey", "sk"),
                "clusters.hangzhou.accessKey: ${file:} names no file (e.g. ${file:/run/secrets/ferry-signing-key})"),
            arguments("stamp as a single value", hangzhouWith("stamp", "hz-01"),
                "clusters.hangzhou.stamp: expected a map of property names to values, e.g. {unit: hz-01},"
                    + " found 'hz-01'"),
            arguments("stamp value as a list", hangzhouWith("stamp", "{unit: [hz, 01]}"),
                "clusters.hangzhou.stamp.unit: expected a single value, found a list"),
            arguments("stamp value as a map", hangzhouWith("stamp", "{unit: {id: 1}}"),
                "clusters.hangzhou.stamp.unit: expected a single value, found a map"),
            arguments("stamp without a value", hangzhouWith("stamp", "{unit: }"),
                "clusters.hangzhou.stamp.unit: missing"),
            arguments("stamp with an empty value", hangzhouWith("stamp", "{unit: ''}"),
                "clusters.hangzhou.stamp.unit: is empty"),
            arguments("stamp with a FERRY_ property", hangzhouWith("stamp", "{FERRY_ORIGIN: hz}"),
                "clusters.hangzhou.stamp.FERRY_ORIGIN: property names starting with FERRY_ are reserved for Ferry"),
            arguments("stamp with a RocketMQ system property", hangzhouWith("stamp", "{KEYS: order-1}"),
                "clusters.hangzhou.stamp.KEYS: 'KEYS' is a RocketMQ system property name"),
            arguments("stamp with a control character", hangzhouWith("stamp", "{unit: \"hz\\u000101\"}"),
                "clusters.hangzhou.stamp.unit: contains a control character, which a message property cannot carry"),

            // backups
            arguments("no backups key", CLUSTERS,
                "backups: missing (at least one backup is required)"),
            arguments("no backup in backups", CLUSTERS + "backups: []\n",
                "backups: no backups (at least one is required)"),
            arguments("backups as a map", CLUSTERS + "backups: {orders-dr: {source: hangzhou}}\n",
                "backups: expected a list of backups, found a map"),
            arguments("backup as a single value", CLUSTERS + "backups: [orders-dr]\n",
                "backups[0]: expected a map with name, source, target and topics, found 'orders-dr'"),
            arguments("unknown backup key", backupWith("topic", "orders"),
                "backups[0].topic: unknown key (allowed: name, mode, source, target, topics, targetTopic, filter, startFrom,"
                    + " syncGroups, onError, delivery)"),
            arguments("backup without name", backupWith("name", null),
                "backups[0].name: missing"),
            arguments("invalid backup name", backupWith("name", "orders.dr"),
                "backups[0].name: invalid backup name 'orders.dr' (1 to 64 of A-Z a-z 0-9 _ -)"),
            arguments("backup name too long", backupWith("name", "b".repeat(65)),
                "backups[0].name: invalid backup name '" + "b".repeat(65) + "' (1 to 64 of A-Z a-z 0-9 _ -)"),
            arguments("a target cluster's name RocketMQ refuses in a group", """
                    clusters:
                      hangzhou: {namesrv: 127.0.0.1:9876}
                      sh.backup: {embedded: true}
                    backups:
                      - {name: orders-dr, source: hangzhou, target: sh.backup, topics: [orders]}
                    """,
                "backups[0].name: backup 'orders-dr' into cluster 'sh.backup' would copy with the consumer group"
                    + " 'ferry-orders-dr-to-sh.backup' (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 120"
                    + " characters); shorten the backup or cluster name, or drop the characters RocketMQ refuses"),
            arguments("a two-way backup's group back into a source with such a name", """
                    clusters:
                      hz.main: {namesrv: 127.0.0.1:9876}
                      shanghai: {embedded: true}
                    backups:
                      - {name: orders-aa, mode: two-way, source: hz.main, target: shanghai, topics: [orders]}
                    """,
                "backups[0].name: backup 'orders-aa' into cluster 'hz.main' would copy with the consumer group"
                    + " 'ferry-orders-aa-to-hz.main' (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 120"
                    + " characters); shorten the backup or cluster name, or drop the characters RocketMQ refuses"),
            arguments("a group name over RocketMQ's length", "clusters:\n  hangzhou: {namesrv: 127.0.0.1:9876}\n  "
                    + "c".repeat(64) + ": {embedded: true}\nbackups:\n  - {name: " + "b".repeat(60)
                    + ", source: hangzhou, target: " + "c".repeat(64) + ", topics: [orders]}\n",
                "backups[0].name: backup '" + "b".repeat(60) + "' into cluster '" + "c".repeat(64) + "' would copy"
                    + " with the consumer group 'ferry-" + "b".repeat(60) + "-to-" + "c".repeat(64) + "' (RocketMQ"
                    + " allows only ^[%|a-zA-Z0-9_-]+$, at most 120 characters); shorten the backup or cluster name,"
                    + " or drop the characters RocketMQ refuses"),
            arguments("duplicate backup names", CLUSTERS + """
                    backups:
                      - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
                      - {name: orders-dr, source: hangzhou, target: shanghai, topics: [payments]}
                    """,
                "backups[1].name: duplicate backup name 'orders-dr' (also backups[0])"),
            arguments("unknown mode", backupWith("mode", "both-ways"),
                "backups[0].mode: unknown value 'both-ways' (allowed: one-way, two-way)"),
            arguments("backup without source", backupWith("source", null),
                "backups[0].source: missing"),
            arguments("backup without target", backupWith("target", null),
                "backups[0].target: missing"),
            arguments("source as a list", backupWith("source", "[hangzhou]"),
                "backups[0].source: expected a single value, found a list"),
            arguments("unknown source cluster", CLUSTERS + """
                    backups:
                      - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
                      - {name: payments-dr, source: hz, target: shanghai, topics: [payments]}
                    """,
                "backups[1].source: unknown cluster 'hz' (known: hangzhou, shanghai)"),
            arguments("unknown target cluster", backupWith("target", "beijing"),
                "backups[0].target: unknown cluster 'beijing' (known: hangzhou, shanghai)"),
            arguments("source and target the same", backupWith("target", "hangzhou"),
                "backups[0].target: same cluster as source ('hangzhou')"),
            arguments("backup without topics", backupWith("topics", null),
                "backups[0].topics: missing (at least one topic is required)"),
            arguments("empty topics", backupWith("topics", "[]"),
                "backups[0].topics: no topics (at least one is required)"),
            arguments("topics as a single value", backupWith("topics", "orders"),
                "backups[0].topics: expected a list of topic names, e.g. [orders, payments], found 'orders'"),
            arguments("topic with a space", backupWith("topics", "[orders, 'pay ments']"),
                "backups[0].topics[1]: invalid topic name 'pay ments'"
                    + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 127 characters)"),
            arguments("topic too long", backupWith("topics", "[" + "t".repeat(128) + "]"),
                "backups[0].topics[0]: invalid topic name '" + "t".repeat(128)
                    + "' (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 127 characters)"),
            arguments("retry topic", backupWith("topics", "['%RETRY%billing']"),
                "backups[0].topics[0]: '%RETRY%billing' is a retry or dead-letter topic; those are never copied"),
            arguments("dead-letter topic", backupWith("topics", "['%DLQ%billing']"),
                "backups[0].topics[0]: '%DLQ%billing' is a retry or dead-letter topic; those are never copied"),
            arguments("system topic", backupWith("topics", "[orders, SCHEDULE_TOPIC_XXXX]"),
                "backups[0].topics[1]: 'SCHEDULE_TOPIC_XXXX' is a RocketMQ system topic; those are never copied"),
            arguments("Ferry's own topic", backupWith("topics", "[orders, FERRY_CHECKPOINTS]"),
                "backups[0].topics[1]: 'FERRY_CHECKPOINTS' is one of Ferry's own topics (checkpoints, offset syncs,"
                    + " dead letters); those are never copied"),
            arguments("rmq_sys_ topic", backupWith("topics", "[rmq_sys_wheel_timer]"),
                "backups[0].topics[0]: 'rmq_sys_wheel_timer' is a RocketMQ system topic; those are never copied"),
            arguments("duplicate topic", backupWith("topics", "[orders, payments, orders]"),
                "backups[0].topics[2]: duplicate topic 'orders' (also backups[0].topics[0])"),
            arguments("targetTopic without ${topic}", backupWith("targetTopic", "\"${source}_all\""),
                "backups[0].targetTopic: '${source}_all' does not contain ${topic} (every topic would be copied into"
                    + " the same one), e.g. ${source}_${topic}"),
            arguments("targetTopic giving a name RocketMQ refuses", backupWith("targetTopic", "\"${source}.${topic}\""),
                "backups[0].targetTopic: maps 'orders' from 'hangzhou' to invalid topic name 'hangzhou.orders'"
                    + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 127 characters)"),
            arguments("targetTopic refused for a source whose name has a dot", CLUSTERS + """
                  bj.center:
                    embedded: true
                backups:
                  - {name: orders-back, source: bj.center, target: hangzhou, topics: [orders],
                     targetTopic: "${source}_${topic}"}
                """,
                "backups[0].targetTopic: maps 'orders' from 'bj.center' to invalid topic name 'bj.center_orders'"
                    + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 127 characters)"),
            arguments("targetTopic with an unset environment variable", backupWith("targetTopic", "\"${UNIT}_${topic}\""),
                "backups[0].targetTopic: environment variable UNIT is not set"),
            arguments("filter that does not compile", backupWith("filter", "\"region = \""),
                "backups[0].filter: invalid SQL-92 filter: Encountered \"<EOF>\" at line 1, column 9."),
            arguments("filter with an unterminated string", backupWith("filter", "\"region = 'east\""),
                "backups[0].filter: invalid SQL-92 filter: Lexical error at line 1, column 15."
                    + "  Encountered: <EOF> after : \"\\'east\""),
            arguments("unknown startFrom", backupWith("startFrom", "yesterday"),
                "backups[0].startFrom: 'yesterday' is not earliest, latest or an ISO-8601 instant"
                    + " (e.g. 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+08:00)"),
            arguments("startFrom without a zone", backupWith("startFrom", "2026-11-25T10:00:00"),
                "backups[0].startFrom: '2026-11-25T10:00:00' is not earliest, latest or an ISO-8601 instant"
                    + " (e.g. 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+08:00)"),
            arguments("syncGroups as a single value", backupWith("syncGroups", "billing"),
                "backups[0].syncGroups: expected a list of consumer group names, e.g. [billing], found 'billing'"),
            arguments("syncGroups with a list inside", backupWith("syncGroups", "[[billing]]"),
                "backups[0].syncGroups[0]: expected a single value, found a list"),
            arguments("invalid group name", backupWith("syncGroups", "[billing, 'audit team']"),
                "backups[0].syncGroups[1]: invalid consumer group name 'audit team'"
                    + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 120 characters)"),
            arguments("duplicate group", backupWith("syncGroups", "[billing, billing]"),
                "backups[0].syncGroups[1]: duplicate group 'billing' (also backups[0].syncGroups[0])"),
            arguments("unknown onError", backupWith("onError", "skip"),
                "backups[0].onError: unknown value 'skip' (allowed: dead-letter, block)"),
            arguments("unknown delivery", backupWith("delivery", "twice"),
                "backups[0].delivery: unknown value 'twice' (allowed: exactly-once, at-least-once)"),
            arguments("one-way backups copying a topic twice", CLUSTERS + """
                    backups:
                      - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
                      - {name: orders-dr-2, source: hangzhou, target: shanghai, topics: [payments, orders]}
                    """,
                "backups[1].topics[1]: backups 'orders-dr' and 'orders-dr-2' both copy topic 'orders'"
                    + " from hangzhou to shanghai (every message would arrive twice)"),
            arguments("a one-way backup against a two-way one", CLUSTERS + """
                    backups:
                      - {name: orders-dr, mode: two-way, source: hangzhou, target: shanghai, topics: [orders]}
                      - {name: orders-back, source: shanghai, target: hangzhou, topics: [orders]}
                    """,
                "backups[1].topics[0]: backups 'orders-dr' and 'orders-back' both copy topic 'orders'"
                    + " from shanghai to hangzhou (every message would arrive twice)"),

            // signingKey
            arguments("signingKey too short", CLUSTERS + "backups:\n" + ORDERS_DR + "signingKey: ${SHORT_KEY}\n",
                "signingKey: too short: 16 bytes, at least 32 are needed"
                    + " (e.g. openssl rand -base64 48 > /run/secrets/ferry-signing-key)"),
            arguments("signingKey written in the file, too short",
                CLUSTERS + "backups:\n" + ORDERS_DR + "signingKey: " + NEVER_SHOWN + "\n",
                "signingKey: too short: 11 bytes, at least 32 are needed"
                    + " (e.g. openssl rand -base64 48 > /run/secrets/ferry-signing-key)"),
            arguments("signingKey as a map", CLUSTERS + "backups:\n" + ORDERS_DR + "signingKey: {file: k}\n",
                "signingKey: expected a single value, found a map"),
            arguments("signingKey set to nothing", CLUSTERS + "backups:\n" + ORDERS_DR + "signingKey: ${EMPTY}\n",
                "signingKey: is empty"),
            arguments("signingKey from an unset variable",
                CLUSTERS + "backups:\n" + ORDERS_DR + "signingKey: ${FERRY_SIGNING_KEY}\n",
                "signingKey: environment variable FERRY_SIGNING_KEY is not set"),

            // http
            arguments("http as a single value", CLUSTERS + "backups:\n" + ORDERS_DR + "http: 127.0.0.1:7070\n",
                "http: expected a map with listen and, beyond loopback, token, e.g. {listen: 127.0.0.1:7070},"
                    + " found '127.0.0.1:7070'"),
            arguments("unknown http key", CLUSTERS + "backups:\n" + ORDERS_DR + "http: {port: 7070}\n",
                "http.port: unknown key (allowed: listen, token, allowUnauthenticated)"),
            arguments("listen beyond loopback without a token", http("{listen: 0.0.0.0:7070}"),
                "http.token: missing: http.listen '0.0.0.0:7070' is not a loopback address, so the endpoint needs a"
                    + " bearer token (e.g. token: ${FERRY_HTTP_TOKEN}), or allowUnauthenticated: true to serve status"
                    + " and metrics to anyone who reaches it"),
            arguments("listen on a name that is not loopback without a token", http("{listen: 'ferry.example.com:80'}"),
                "http.token: missing: http.listen 'ferry.example.com:80' is not a loopback address, so the endpoint"
                    + " needs a bearer token (e.g. token: ${FERRY_HTTP_TOKEN}), or allowUnauthenticated: true to serve"
                    + " status and metrics to anyone who reaches it"),
            arguments("listen beyond loopback, allowUnauthenticated false", http(
                    "{listen: 10.0.0.5:7070, allowUnauthenticated: false}"),
                "http.token: missing: http.listen '10.0.0.5:7070' is not a loopback address, so the endpoint needs a"
                    + " bearer token (e.g. token: ${FERRY_HTTP_TOKEN}), or allowUnauthenticated: true to serve status"
                    + " and metrics to anyone who reaches it"),
            arguments("token from an unset environment variable", http("{listen: 0.0.0.0:7070, token: \"${HTTP_TOKEN}\"}"),
                "http.token: environment variable HTTP_TOKEN is not set"),
            arguments("token too short, not shown", http("{listen: 0.0.0.0:7070, token: " + SHORT_TOKEN + "}"),
                "http.token: not a usable bearer token: at least 16 characters, only A-Z a-z 0-9 - . _ ~ + / (and ="
                    + " at the end), e.g. from 'openssl rand -hex 32' (the value is not shown)"),
            arguments("token with a space, not shown", http("{listen: 0.0.0.0:7070, token: '" + SPACED_TOKEN + "'}"),
                "http.token: not a usable bearer token: at least 16 characters, only A-Z a-z 0-9 - . _ ~ + / (and ="
                    + " at the end), e.g. from 'openssl rand -hex 32' (the value is not shown)"),
            arguments("token with an unterminated reference, not shown", http("{token: '" + BROKEN_TOKEN + "'}"),
                "http.token: unterminated ${ in '(not shown)' (write $${ for a literal ${)"),
            arguments("token and allowUnauthenticated", http(
                    "{listen: 0.0.0.0:7070, token: " + GOOD_TOKEN + ", allowUnauthenticated: true}"),
                "http.allowUnauthenticated: true, but http.token is set too (a token is always required once set);"
                    + " remove one of them"),
            arguments("allowUnauthenticated not a boolean", http("{listen: 0.0.0.0:7070, allowUnauthenticated: yes}"),
                "http.allowUnauthenticated: expected true or false, found 'yes'"),
            arguments("listen without host", CLUSTERS + "backups:\n" + ORDERS_DR + "http: {listen: 7070}\n",
                "http.listen: '7070' is not host:port (e.g. 127.0.0.1:7070; port 0-65535)"),
            arguments("listen port out of range",
                CLUSTERS + "backups:\n" + ORDERS_DR + "http: {listen: 'localhost:65536'}\n",
                "http.listen: 'localhost:65536' is not host:port (e.g. 127.0.0.1:7070; port 0-65535)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void refusesWithOneLineNamingFileKeyAndProblem(String what, String yaml, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("ferry.yaml"), yaml);

        assertThat(problemLoading(file)).isEqualTo(file + ": " + expected)
            .doesNotContain(SHORT_TOKEN, SPACED_TOKEN, BROKEN_TOKEN, GOOD_TOKEN);
    }

    @Test
    void namesTheFileAsItWasGiven() {
        Path file = Path.of("src/test/resources/config/unknown-cluster.yaml");

        assertThat(problemLoading(file)).isEqualTo(
            "src/test/resources/config/unknown-cluster.yaml: backups[1].source: unknown cluster 'hz'"
                + " (known: hangzhou, shanghai)");
    }

    @Test
    void refusesAFileThatDoesNotExist() {
        Path file = dir.resolve("missing.yaml");

        assertThat(problemLoading(file)).isEqualTo(file + ": no such file");
    }

    @Test
    void refusesADirectory() {
        assertThat(problemLoading(dir)).isEqualTo(dir + ": is a directory, not a configuration file");
    }

    @Test
    void refusesAFileThatIsNotText() throws IOException {
        Path file = Files.write(dir.resolve("ferry.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe});

        assertThat(problemLoading(file)).isEqualTo(file + ": cannot read it: not UTF-8 text");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyFiles")
    void refusesAnEmptyFile(String what, String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("ferry.yaml"), yaml);

        assertThat(problemLoading(file)).isEqualTo(file + ": the file is empty (expected clusters and backups)");
    }

    static Stream<Arguments> emptyFiles() {
        return Stream.of(
            arguments("nothing", ""),
            arguments("only comments", "# clusters:\n#   hangzhou: {namesrv: 127.0.0.1:9876}\n"),
            arguments("only a null document", "---\n~\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void refusesMalformedYamlNamingLineAndColumn(String what, String yaml, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("ferry.yaml"), yaml);

        assertThat(problemLoading(file)).isEqualTo(file + ": " + expected);
    }

    static Stream<Arguments> malformedFiles() {
        return Stream.of(
            arguments("a value after a value", "clusters:\n  hangzhou: namesrv: 127.0.0.1:9876\n",
                "line 2, column 20: malformed YAML: mapping values are not allowed here"),
            arguments("a tab as indentation", "clusters:\n\thangzhou: {embedded: true}\n",
                "line 2, column 1: malformed YAML: found character '\\t(TAB)' that cannot start any token."
                    + " (Do not use \\t(TAB) for indentation)"),
            arguments("an unclosed list", CLUSTERS + "backups: [orders\n",
                "line 7, column 1: malformed YAML: expected ',' or ']', but got <stream end>"),
            arguments("a duplicated key", CLUSTERS + "  hangzhou:\n    embedded: true\n",
                "line 6, column 3: malformed YAML: duplicate key 'hangzhou'"),
            arguments("two documents", CLUSTERS + "---\nbackups: []\n",
                "line 7, column 1: malformed YAML: more than one YAML document (Ferry reads one)"));
    }

    private static String problemLoading(Path file) {
        ConfigException problem =
            catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, ENVIRONMENT));
        assertThat(problem).as("a ConfigException").isNotNull();
        assertThat(problem.getMessage()).doesNotContain("\n", "\r").doesNotContain(NEVER_SHOWN);
        assertThat(problem.getCause()).as("no stack trace that could hold a secret").isNull();
        return problem.getMessage();
    }

    /** The valid file, with {@code section} as its {@code http}. */
    private static String http(String section) {
        return CLUSTERS + "backups:\n" + ORDERS_DR + "http: " + section + "\n";
    }

    /** The valid file, with the hangzhou cluster's keys changed: pairs of key and value, null to remove. */
    private static String hangzhouWith(String... keysAndValues) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("namesrv", "127.0.0.1:9876");
        apply(keys, keysAndValues);
        return "clusters:\n  hangzhou:\n" + lines(keys, "    ") + "  shanghai:\n    embedded: true\n"
            + "backups:\n" + ORDERS_DR;
    }

    /** The valid file, with its one backup's keys changed: pairs of key and value, null to remove. */
    private static String backupWith(String... keysAndValues) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("name", "orders-dr");
        keys.put("source", "hangzhou");
        keys.put("target", "shanghai");
        keys.put("topics", "[orders]");
        apply(keys, keysAndValues);
        return CLUSTERS + "backups:\n  -\n" + lines(keys, "    ");
    }

    private static void apply(Map<String, String> keys, String... keysAndValues) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                keys.remove(keysAndValues[i]);
            } else {
                keys.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
    }

    private static String lines(Map<String, String> keys, String indent) {
        return keys.entrySet().stream().map(e -> indent + e.getKey() + ": " + e.getValue() + "\n")
            .collect(Collectors.joining());
    }
}
