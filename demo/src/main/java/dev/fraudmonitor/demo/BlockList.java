package dev.fraudmonitor.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values the simulator's BLOCK_LIST_HIT sessions use, which must be on the job's block lists
 * (Redis sets {@code <prefix>list:block:<kind>}) for those sessions to be caught.
 *
 * @param ips IP addresses as sent in {@code ip}
 * @param cards card hashes as sent in {@code cardHash}
 * @param devices device ids as sent in {@code deviceId}
 * @param emailDomains lower-case e-mail domains
 * @param accounts account ids
 */
public record BlockList(
        List<String> ips,
        List<String> cards,
        List<String> devices,
        List<String> emailDomains,
        List<String> accounts) {
    public BlockList {
        ips = List.copyOf(ips);
        cards = List.copyOf(cards);
        devices = List.copyOf(devices);
        emailDomains = List.copyOf(emailDomains);
        accounts = List.copyOf(accounts);
    }

    /** Values by Redis list kind: {@code ip, card, device, email_domain, account}. */
    public Map<String, List<String>> byKind() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("ip", ips);
        m.put("card", cards);
        m.put("device", devices);
        m.put("email_domain", emailDomains);
        m.put("account", accounts);
        return m;
    }
}
