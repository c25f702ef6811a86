// The tables, in the portable subset of SQL types both backends share.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username -> Text,
        address -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    customers (id) {
        id -> BigInt,
        name -> Text,
        tier -> Text,
        account_manager_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        customer_id -> BigInt,
        name -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_regions (id) {
        id -> BigInt,
        name -> Text,
        class -> Text,
        boundary -> Text,
        min_lat -> Double,
        min_lon -> Double,
        max_lat -> Double,
        max_lon -> Double,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sites (id) {
        id -> BigInt,
        customer_id -> BigInt,
        name -> Text,
        address -> Text,
        latitude -> Double,
        longitude -> Double,
        region_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assets (id) {
        id -> BigInt,
        site_id -> BigInt,
        customer_id -> BigInt,
        model -> Text,
        serial_number -> Text,
        purchase_date -> Nullable<Date>,
        acceptance_date -> Nullable<Date>,
        warranty_end -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        entity -> Text,
        entity_id -> BigInt,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(customers -> users (account_manager_id));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(sites -> customers (customer_id));
diesel::joinable!(sites -> service_regions (region_id));
diesel::joinable!(assets -> sites (site_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    login_failures,
    customers,
    contacts,
    service_regions,
    sites,
    assets,
    audit_events,
);
