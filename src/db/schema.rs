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
        token_version -> BigInt,
        language -> Nullable<Text>,
        team_id -> Nullable<BigInt>,
        supervisor_id -> Nullable<BigInt>,
        level -> Integer,
        grants -> Text,
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
        internal -> Bool,
    }
}

diesel::table! {
    customer_notices (customer_id) {
        customer_id -> BigInt,
        acknowledgement -> Bool,
        visit_changes -> Bool,
        on_the_way -> Bool,
        resolved -> Bool,
        updated_by -> Nullable<BigInt>,
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
        language -> Text,
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
        actor_contact_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    business_calendar (id) {
        id -> BigInt,
        time_zone -> Text,
        hours_json -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    holidays (id) {
        id -> BigInt,
        day -> Date,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sla_policies (id) {
        id -> BigInt,
        kind -> Nullable<Text>,
        customer_tier -> Nullable<Text>,
        priority -> Nullable<Text>,
        region_class -> Nullable<Text>,
        response_minutes -> Integer,
        hotline_minutes -> Integer,
        remote_minutes -> Integer,
        departure_minutes -> Integer,
        arrival_minutes -> Integer,
        resolution_minutes -> Integer,
        clock_mode -> Text,
        hotline_action -> Text,
        remote_action -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_counters (year) {
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        number -> Text,
        customer_id -> BigInt,
        customer_tier -> Text,
        contact_id -> Nullable<BigInt>,
        site_id -> Nullable<BigInt>,
        region_id -> Nullable<BigInt>,
        region_class -> Text,
        asset_id -> Nullable<BigInt>,
        channel -> Text,
        priority -> Text,
        title -> Text,
        description -> Text,
        product_model -> Nullable<Text>,
        serial_number -> Nullable<Text>,
        purchase_date -> Nullable<Date>,
        contact_name -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        ladder_tier -> Text,
        status -> Text,
        owner_id -> BigInt,
        assignee_id -> Nullable<BigInt>,
        created_by -> BigInt,
        major_fault -> Bool,
        remote_authorized -> Bool,
        opened_at -> Timestamp,
        clock_mode -> Text,
        response_minutes -> Integer,
        arrival_minutes -> Integer,
        resolution_minutes -> Integer,
        paused_seconds -> BigInt,
        paused_at -> Nullable<Timestamp>,
        onsite_at -> Nullable<Timestamp>,
        onsite_paused_seconds -> BigInt,
        response_due_at -> Timestamp,
        arrival_due_at -> Nullable<Timestamp>,
        resolution_due_at -> Timestamp,
        callback_due_at -> Nullable<Timestamp>,
        responded_at -> Nullable<Timestamp>,
        arrived_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        callback_done_at -> Nullable<Timestamp>,
        breached -> Bool,
        response_breached_at -> Nullable<Timestamp>,
        arrival_breached_at -> Nullable<Timestamp>,
        resolution_breached_at -> Nullable<Timestamp>,
        callback_breached_at -> Nullable<Timestamp>,
        escalation_step -> Integer,
        next_check_at -> Nullable<Timestamp>,
        flagged_for_dispatch -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        acceptance_reminded_at -> Nullable<Timestamp>,
        closed_without_answer -> Bool,
        related_ticket_id -> Nullable<BigInt>,
        unrelated_reason -> Nullable<Text>,
        kind -> Text,
        hotline_minutes -> Integer,
        remote_minutes -> Integer,
        departure_minutes -> Integer,
        hotline_action -> Text,
        remote_action -> Text,
        remote_at -> Nullable<Timestamp>,
        remote_paused_seconds -> BigInt,
        hotline_due_at -> Nullable<Timestamp>,
        remote_due_at -> Nullable<Timestamp>,
        departure_due_at -> Nullable<Timestamp>,
        departed_at -> Nullable<Timestamp>,
        hotline_breached_at -> Nullable<Timestamp>,
        remote_breached_at -> Nullable<Timestamp>,
        departure_breached_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        kind -> Text,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        reason -> Nullable<Text>,
        data_json -> Nullable<Text>,
    }
}

diesel::table! {
    remote_authorizations (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        authorized_by -> Text,
        method -> Text,
        authorized_at -> Timestamp,
        recorded_by -> BigInt,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    onsite_requests (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        window_start -> Timestamp,
        window_end -> Timestamp,
        status -> Text,
        notes -> Nullable<Text>,
        flagged_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    acceptances (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        accepted_by -> Text,
        satisfied -> Bool,
        comment -> Nullable<Text>,
        recorded_by -> BigInt,
        accepted_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        ticket_id -> Nullable<BigInt>,
        kind -> Text,
        message -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_runs (id) {
        id -> BigInt,
        job -> Text,
        slot -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        examined -> BigInt,
        actions -> BigInt,
    }
}

diesel::table! {
    technicians (user_id) {
        user_id -> BigInt,
        home_lat -> Double,
        home_lon -> Double,
        daily_capacity -> Integer,
        hours_json -> Text,
        regions_json -> Text,
        last_lat -> Nullable<Double>,
        last_lon -> Nullable<Double>,
        last_accuracy_m -> Nullable<Double>,
        last_ping_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        lunch_from -> Text,
        lunch_until -> Text,
        lunch_minutes -> Integer,
    }
}

diesel::table! {
    technician_skills (user_id, skill) {
        user_id -> BigInt,
        skill -> Text,
        level -> Integer,
    }
}

diesel::table! {
    duty_shifts (id) {
        id -> BigInt,
        user_id -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    location_pings (id) {
        id -> BigInt,
        user_id -> BigInt,
        at -> Timestamp,
        lat -> Double,
        lon -> Double,
        accuracy_m -> Double,
        received_at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> BigInt,
        kind -> Text,
        ticket_id -> Nullable<BigInt>,
        onsite_request_id -> Nullable<BigInt>,
        inspection_id -> Nullable<BigInt>,
        site_id -> Nullable<BigInt>,
        region_id -> Nullable<BigInt>,
        window_start -> Timestamp,
        window_end -> Timestamp,
        required_skill -> Nullable<Text>,
        required_level -> Integer,
        technician_id -> Nullable<BigInt>,
        status -> Text,
        version -> Integer,
        accepted_at -> Nullable<Timestamp>,
        en_route_at -> Nullable<Timestamp>,
        checked_in_at -> Nullable<Timestamp>,
        checkin_lat -> Nullable<Double>,
        checkin_lon -> Nullable<Double>,
        checkin_distance_m -> Nullable<Double>,
        checkin_reason -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
        outcome_reason -> Nullable<Text>,
        work_notes -> Nullable<Text>,
        under_warranty -> Nullable<Bool>,
        quote_amount -> Nullable<Double>,
        time_spent_minutes -> Nullable<Integer>,
        signoff_name -> Nullable<Text>,
        signature_png -> Nullable<Binary>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        window_agreed_with -> Nullable<Text>,
        window_agreed_at -> Nullable<Timestamp>,
        window_agreed_via -> Nullable<Text>,
        quote_id -> Nullable<BigInt>,
        amount_charged -> Nullable<Double>,
        charge_difference_reason -> Nullable<Text>,
        invitation_sequence -> Nullable<Integer>,
        planned_arrival_at -> Nullable<Timestamp>,
        planned_departure_at -> Nullable<Timestamp>,
        route_position -> Nullable<Integer>,
        day_plan_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    day_plans (id) {
        id -> BigInt,
        day -> Date,
        region_id -> Nullable<BigInt>,
        status -> Text,
        budget_seconds -> Integer,
        pinned_json -> Text,
        excluded_json -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        applied_by -> Nullable<BigInt>,
        applied_at -> Nullable<Timestamp>,
        visits_planned -> Integer,
        visits_unplaced -> Integer,
        technicians_used -> Integer,
        travel_seconds -> BigInt,
        metres -> BigInt,
    }
}

diesel::table! {
    day_plan_routes (plan_id, technician_id) {
        plan_id -> BigInt,
        technician_id -> BigInt,
        starts_from -> Text,
        start_lat -> Double,
        start_lon -> Double,
        departure_at -> Timestamp,
        return_at -> Timestamp,
        metres -> BigInt,
        travel_seconds -> BigInt,
    }
}

diesel::table! {
    day_plan_stops (plan_id, technician_id, position) {
        plan_id -> BigInt,
        technician_id -> BigInt,
        position -> Integer,
        visit_id -> Nullable<BigInt>,
        visit_version -> Nullable<Integer>,
        arrival_at -> Timestamp,
        start_at -> Timestamp,
        departure_at -> Timestamp,
    }
}

diesel::table! {
    day_plan_unplaced (plan_id, visit_id) {
        plan_id -> BigInt,
        visit_id -> BigInt,
        reason -> Text,
    }
}

diesel::table! {
    warranty_terms (id) {
        id -> BigInt,
        model -> Text,
        months -> Integer,
        counted_from -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quotes (id) {
        id -> BigInt,
        visit_id -> BigInt,
        ticket_id -> Nullable<BigInt>,
        status -> Text,
        currency -> Text,
        amount -> Double,
        made_by -> BigInt,
        made_at -> Timestamp,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_via -> Nullable<Text>,
        answer_recorded_by -> Nullable<BigInt>,
        answer_recorded_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
    }
}

diesel::table! {
    quote_items (id) {
        id -> BigInt,
        quote_id -> BigInt,
        position -> Integer,
        description -> Text,
        quantity -> Double,
        unit_price -> Double,
        amount -> Double,
    }
}

diesel::table! {
    visit_photos (id) {
        id -> BigInt,
        visit_id -> BigInt,
        kind -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        bytes -> Binary,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    visit_parts (id) {
        id -> BigInt,
        visit_id -> BigInt,
        part_number -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_id -> Text,
        kind -> Text,
        customer_id -> Nullable<BigInt>,
        ticket_id -> Nullable<BigInt>,
        recipients_json -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        lease_token -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        in_reply_to -> Nullable<Text>,
        thread_references -> Nullable<Text>,
        urgent -> Bool,
    }
}

diesel::table! {
    outbox_attachments (id) {
        id -> BigInt,
        outbox_id -> BigInt,
        position -> Integer,
        filename -> Text,
        content_type -> Text,
        content -> Binary,
    }
}

diesel::table! {
    major_faults (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        occurred_at -> Timestamp,
        location -> Text,
        symptoms -> Text,
        handling_plan -> Text,
        reason -> Nullable<Text>,
        extra_recipients_json -> Text,
        reported_by -> BigInt,
        reported_at -> Timestamp,
        updates -> Integer,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<BigInt>,
        end_summary -> Nullable<Text>,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fault_reports (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        customer_id -> BigInt,
        major_fault_id -> Nullable<BigInt>,
        revision -> Integer,
        previous_id -> Nullable<BigInt>,
        status -> Text,
        author_id -> BigInt,
        created_by -> BigInt,
        impact_description -> Text,
        customers_affected -> Integer,
        sites_affected -> Integer,
        assets_affected -> Integer,
        downtime_minutes -> Integer,
        timeline_json -> Text,
        root_cause -> Text,
        contact_ids_json -> Text,
        submitted_at -> Nullable<Timestamp>,
        reviewer_id -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        review_comments -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        sent_by -> Nullable<BigInt>,
        recipients_json -> Nullable<Text>,
        outbox_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fault_report_actions (id) {
        id -> BigInt,
        report_id -> BigInt,
        kind -> Text,
        position -> Integer,
        description -> Text,
        owner_user_id -> Nullable<BigInt>,
        owner_name -> Nullable<Text>,
        due_date -> Date,
    }
}

diesel::table! {
    revisit_files (id) {
        id -> BigInt,
        asset_id -> BigInt,
        customer_id -> BigInt,
        site_id -> BigInt,
        accepted_on -> Date,
        first_year_months -> Integer,
        later_months -> Integer,
        next_due -> Nullable<Date>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    revisits (id) {
        id -> BigInt,
        kind -> Text,
        file_id -> Nullable<BigInt>,
        ticket_id -> Nullable<BigInt>,
        customer_id -> BigInt,
        site_id -> Nullable<BigInt>,
        asset_id -> Nullable<BigInt>,
        due_on -> Date,
        status -> Text,
        assigned_to -> Nullable<BigInt>,
        reached -> Nullable<Bool>,
        score -> Nullable<Integer>,
        comment -> Nullable<Text>,
        follow_up_needed -> Bool,
        done_by -> Nullable<BigInt>,
        done_at -> Nullable<Timestamp>,
        opened_ticket_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    survey_links (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        jti -> Text,
        recipient -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    surveys (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        customer_id -> BigInt,
        score -> Integer,
        comment -> Nullable<Text>,
        source -> Text,
        link_id -> Nullable<BigInt>,
        revisit_id -> Nullable<BigInt>,
        recorded_by -> Nullable<BigInt>,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    inspection_plans (id) {
        id -> BigInt,
        customer_id -> BigInt,
        site_id -> Nullable<BigInt>,
        name -> Text,
        asset_ids_json -> Text,
        frequency_months -> Integer,
        required_skill -> Nullable<Text>,
        required_level -> Integer,
        starts_on -> Date,
        notes -> Nullable<Text>,
        active -> Bool,
        next_due -> Nullable<Date>,
        version -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspections (id) {
        id -> BigInt,
        plan_id -> BigInt,
        customer_id -> BigInt,
        site_id -> BigInt,
        due_on -> Date,
        status -> Text,
        visit_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspection_findings (id) {
        id -> BigInt,
        inspection_id -> BigInt,
        visit_id -> BigInt,
        ticket_id -> BigInt,
        asset_id -> Nullable<BigInt>,
        reported_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_mailings (id) {
        id -> BigInt,
        kind -> Text,
        period -> Text,
        period_start -> Date,
        recipient_id -> BigInt,
        account_manager_id -> Nullable<BigInt>,
        outbox_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inbound_messages (id) {
        id -> BigInt,
        message_id -> Text,
        mailbox -> Text,
        uidvalidity -> BigInt,
        uid -> BigInt,
        from_address -> Text,
        from_name -> Nullable<Text>,
        subject -> Text,
        in_reply_to -> Nullable<Text>,
        thread_references -> Nullable<Text>,
        received_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        body_text -> Text,
        raw_size -> BigInt,
        outcome -> Text,
        reason -> Nullable<Text>,
        ticket_id -> Nullable<BigInt>,
        customer_id -> Nullable<BigInt>,
        contact_id -> Nullable<BigInt>,
        refused_json -> Nullable<Text>,
        handled_by -> Nullable<BigInt>,
        handled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_attachments (id) {
        id -> BigInt,
        ticket_id -> Nullable<BigInt>,
        inbound_message_id -> Nullable<BigInt>,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        content -> Binary,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    portal_links (id) {
        id -> BigInt,
        jti -> Text,
        contact_id -> BigInt,
        email -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        session_expires_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        lead_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_limits (customer_tier) {
        customer_tier -> Text,
        complaint_minutes -> Integer,
        escalated_minutes -> Integer,
        appeal_minutes -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaints (ticket_id) {
        ticket_id -> BigInt,
        subject_kind -> Nullable<Text>,
        subject_id -> Nullable<BigInt>,
        level -> Text,
        state -> Text,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_steps (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        level -> Text,
        entered_by -> Text,
        started_at -> Timestamp,
        due_at -> Timestamp,
        breached_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
        resolution_by -> Nullable<BigInt>,
        resolution_at -> Nullable<Timestamp>,
        answer -> Nullable<Text>,
        answered_by -> Nullable<Text>,
        answer_comment -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answer_recorded_by -> Nullable<BigInt>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    kb_articles (id) {
        id -> BigInt,
        kind -> Text,
        title -> Text,
        body -> Text,
        audience -> Text,
        tags -> Text,
        models -> Text,
        status -> Text,
        version -> Integer,
        author_id -> BigInt,
        edited_by -> BigInt,
        reviewed_by -> Nullable<BigInt>,
        review_note -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    kb_article_regions (article_id, region_id) {
        article_id -> BigInt,
        region_id -> BigInt,
    }
}

diesel::table! {
    kb_versions (id) {
        id -> BigInt,
        article_id -> BigInt,
        version -> Integer,
        title -> Text,
        body -> Text,
        note -> Nullable<Text>,
        edited_by -> BigInt,
        edited_at -> Timestamp,
    }
}

diesel::table! {
    kb_ratings (article_id, user_id) {
        article_id -> BigInt,
        user_id -> BigInt,
        accuracy -> Integer,
        readability -> Integer,
        feedback -> Nullable<Text>,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    kb_ticket_links (article_id, ticket_id) {
        article_id -> BigInt,
        ticket_id -> BigInt,
        linked_by -> BigInt,
        linked_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(customers -> users (account_manager_id));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(sites -> customers (customer_id));
diesel::joinable!(sites -> service_regions (region_id));
diesel::joinable!(assets -> sites (site_id));
diesel::joinable!(tickets -> customers (customer_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(quality_reviews -> tickets (ticket_id));
diesel::joinable!(remote_authorizations -> tickets (ticket_id));
diesel::joinable!(onsite_requests -> tickets (ticket_id));
diesel::joinable!(acceptances -> tickets (ticket_id));
diesel::joinable!(technician_skills -> technicians (user_id));
diesel::joinable!(technicians -> users (user_id));
diesel::joinable!(visits -> tickets (ticket_id));
diesel::joinable!(visit_photos -> visits (visit_id));
diesel::joinable!(quote_items -> quotes (quote_id));
diesel::joinable!(quotes -> tickets (ticket_id));
diesel::joinable!(outbox_attachments -> outbox (outbox_id));
diesel::joinable!(major_faults -> tickets (ticket_id));
diesel::joinable!(fault_reports -> tickets (ticket_id));
diesel::joinable!(fault_reports -> customers (customer_id));
diesel::joinable!(fault_report_actions -> fault_reports (report_id));
diesel::joinable!(revisit_files -> assets (asset_id));
diesel::joinable!(revisits -> customers (customer_id));
diesel::joinable!(survey_links -> tickets (ticket_id));
diesel::joinable!(surveys -> tickets (ticket_id));
diesel::joinable!(surveys -> customers (customer_id));
diesel::joinable!(inspection_plans -> customers (customer_id));
diesel::joinable!(inspections -> inspection_plans (plan_id));
diesel::joinable!(inspection_findings -> inspections (inspection_id));
diesel::joinable!(inspection_findings -> tickets (ticket_id));
diesel::joinable!(report_mailings -> outbox (outbox_id));
diesel::joinable!(inbound_messages -> tickets (ticket_id));
diesel::joinable!(ticket_attachments -> inbound_messages (inbound_message_id));
diesel::joinable!(customer_notices -> customers (customer_id));
diesel::joinable!(portal_links -> contacts (contact_id));
diesel::joinable!(complaints -> tickets (ticket_id));
diesel::joinable!(complaint_steps -> tickets (ticket_id));

diesel::table! {
    stall_rules (id) {
        id -> BigInt,
        state -> Text,
        hours -> Nullable<Integer>,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    chases (id) {
        id -> BigInt,
        ticket_id -> Nullable<BigInt>,
        visit_id -> Nullable<BigInt>,
        holder_id -> BigInt,
        holder_team_id -> Nullable<BigInt>,
        chased_by -> BigInt,
        note -> Text,
        due_at -> Timestamp,
        created_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        climbed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    quality_criteria (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        weight -> Integer,
        position -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quality_settings (id) {
        id -> Integer,
        sample_per_agent -> Integer,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quality_reviews (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        agent_id -> BigInt,
        team_id -> Nullable<BigInt>,
        month -> Text,
        status -> Text,
        sampled_at -> Timestamp,
        reviewer_id -> Nullable<BigInt>,
        scores_json -> Nullable<Text>,
        total -> Nullable<Double>,
        comments -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        dispute_reason -> Nullable<Text>,
        disputed_at -> Nullable<Timestamp>,
        decider_id -> Nullable<BigInt>,
        decision -> Nullable<Text>,
        decision_note -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        first_total -> Nullable<Double>,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quality_training (id) {
        id -> BigInt,
        month -> Text,
        agent_id -> Nullable<BigInt>,
        team_id -> Nullable<BigInt>,
        author_id -> BigInt,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    desk_shifts (id) {
        id -> BigInt,
        name -> Text,
        starts -> Text,
        ends -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    roster_entries (id) {
        id -> BigInt,
        day -> Date,
        shift_id -> BigInt,
        user_id -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(roster_entries -> desk_shifts (shift_id));

diesel::table! {
    roster_swaps (id) {
        id -> BigInt,
        requester_entry_id -> BigInt,
        counterpart_entry_id -> BigInt,
        requester_id -> BigInt,
        counterpart_id -> BigInt,
        requester_day -> Date,
        counterpart_day -> Date,
        requester_shift_id -> BigInt,
        counterpart_shift_id -> BigInt,
        reason -> Text,
        status -> Text,
        agreed_at -> Nullable<Timestamp>,
        requester_lead_by -> Nullable<BigInt>,
        requester_lead_at -> Nullable<Timestamp>,
        counterpart_lead_by -> Nullable<BigInt>,
        counterpart_lead_at -> Nullable<Timestamp>,
        refused_by -> Nullable<BigInt>,
        refusal -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    handovers (id) {
        id -> BigInt,
        day -> Date,
        shift_id -> BigInt,
        written_by -> BigInt,
        equipment -> Text,
        problems -> Text,
        notices -> Text,
        staff_changes -> Text,
        written_at -> Timestamp,
        acknowledged_by -> Nullable<BigInt>,
        acknowledged_at -> Nullable<Timestamp>,
        alerted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    handover_tickets (handover_id, ticket_id) {
        handover_id -> BigInt,
        ticket_id -> BigInt,
        note -> Text,
    }
}

diesel::table! {
    equipment_checks (id) {
        id -> BigInt,
        checked_at -> Timestamp,
        checked_by -> BigInt,
        equipment -> Text,
        result -> Text,
        note -> Text,
        ticket_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(handovers -> desk_shifts (shift_id));
diesel::joinable!(handover_tickets -> handovers (handover_id));
diesel::joinable!(handover_tickets -> tickets (ticket_id));

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
    business_calendar,
    holidays,
    sla_policies,
    ticket_counters,
    tickets,
    ticket_events,
    remote_authorizations,
    onsite_requests,
    acceptances,
    notifications,
    job_runs,
    technicians,
    technician_skills,
    duty_shifts,
    day_plans,
    day_plan_routes,
    day_plan_stops,
    day_plan_unplaced,
    location_pings,
    visits,
    visit_parts,
    visit_photos,
    warranty_terms,
    quotes,
    quote_items,
    idempotency_keys,
    outbox,
    outbox_attachments,
    major_faults,
    fault_reports,
    fault_report_actions,
    revisit_files,
    revisits,
    survey_links,
    surveys,
    inspection_plans,
    inspections,
    inspection_findings,
    report_mailings,
    inbound_messages,
    ticket_attachments,
    customer_notices,
    portal_links,
    teams,
    complaint_limits,
    complaints,
    complaint_steps,
    stall_rules,
    chases,
    quality_criteria,
    quality_settings,
    quality_reviews,
    quality_training,
    kb_articles,
    kb_article_regions,
    kb_versions,
    kb_ratings,
    kb_ticket_links,
    desk_shifts,
    roster_entries,
    roster_swaps,
    handovers,
    handover_tickets,
    equipment_checks,
);
