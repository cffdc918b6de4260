/**
 * {@code bin/ferry bench}: two RocketMQ clusters as child JVMs, and on the same messages the machine's ceiling
 * (the fastest producer straight into the target), a naive relay (lite-pull plus a synchronous send per
 * message), Ferry catching up a backlog (on loopback, then with the source and with the target a round trip away,
 * behind a delay proxy), RocketMQ's consumer reading alone and a raw relay that copies without decoding (what the
 * client spends, and the least a copier spends), Ferry under live load (delay per message), and Ferry with the target
 * down for a while (memory stays bounded, the backlog drains). {@link dev.ferry.bench.Bench} runs it all and
 * writes the report.
 */
package dev.ferry.bench;
