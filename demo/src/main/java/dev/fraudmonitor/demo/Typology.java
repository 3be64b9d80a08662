package dev.fraudmonitor.demo;

/**
 * What a simulated session is part of: an ordinary customer, one of the attacks the default rule
 * set must catch, or a benign look-alike it must stay quiet on. An attack or look-alike is an
 * incident of one or more sessions ({@link SessionRegistry#incidentOf}).
 */
public enum Typology {
    NORMAL(Kind.NORMAL, "ordinary customer"),
    CREDENTIAL_STUFFING(Kind.ATTACK, "one IP tries many usernames, all failing"),
    DISTRIBUTED_STUFFING(
            Kind.ATTACK,
            "many usernames tried through residential proxies, a few per IP, one fingerprint or"
                    + " user agent"),
    BRUTE_FORCE(Kind.ATTACK, "many failed logins on one account"),
    ACCOUNT_TAKEOVER(
            Kind.ATTACK,
            "login from a new device and country, e-mail/password/address changed, then an order"),
    SPLIT_TAKEOVER(
            Kind.ATTACK,
            "login from a new device and country, then minutes to hours later a password or e-mail"
                    + " change and an order to a new address"),
    CARD_TESTING(Kind.ATTACK, "many small declined payments with different cards"),
    GEO_MISMATCH(Kind.ATTACK, "high-value order where IP, billing and card countries all differ"),
    ORDER_VELOCITY(Kind.ATTACK, "many orders on one card, account and address"),
    BLOCK_LIST_HIT(Kind.ATTACK, "a block-listed IP, card, device, e-mail domain or account"),
    BOT_CHECKOUT(Kind.ATTACK, "an order seconds after the session started, no page views"),
    TYPO_PASSWORD(Kind.LOOK_ALIKE, "one or two mistyped passwords, then a normal login"),
    FAMILY_ONE_IP(Kind.LOOK_ALIKE, "several family accounts ordering from one home IP"),
    TRAVELLER_ABROAD(Kind.LOOK_ALIKE, "usual device and card, logging in from another country"),
    LOYAL_REPEAT_BUYER(
            Kind.LOOK_ALIKE,
            "a customer with a clean history ordering again several times within an hour, known"
                    + " card and address"),
    BIG_SPENDER(Kind.LOOK_ALIKE, "a customer with history placing an unusually large order"),
    SECOND_CARD(Kind.LOOK_ALIKE, "a customer with history paying with a card new to the account");

    /** Whether the rules should alert on it. */
    public enum Kind {
        NORMAL,
        ATTACK,
        LOOK_ALIKE
    }

    private final Kind kind;
    private final String description;

    Typology(Kind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    public Kind kind() {
        return kind;
    }

    /** True for the attacks the default rule set must alert on. */
    public boolean isAttack() {
        return kind == Kind.ATTACK;
    }

    /** True for NORMAL and the benign look-alikes: the rules must stay quiet on these. */
    public boolean isBenign() {
        return kind != Kind.ATTACK;
    }

    public String description() {
        return description;
    }
}
