//! Every stable error code the platform sends, as one enum: the `code` of an error response,
//! the `details.reason` of one, and the `code` of a skipped line in an import or roster report.
//! Each code is written once, here; the strings are the API's and never change.
//!
//! Each code also says where a person sees it ([`Seen`]), and so which of the console's text
//! maps in `frontend/assets/lang/{zh,en}.js` must hold a text for it (checked by a test in
//! `error.rs`).

use serde::{Deserialize, Serialize};

/// Where a person sees a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// As the `code` of an error response; the console's `errors` map has its text.
    Error,
    /// As the `details.reason` of an error, or as the `code` of a skipped line in an import or
    /// roster report; the console's `reasons` map has its text.
    Reason,
    /// Both ways.
    Both,
}

/// Declares the enum from one list, so a code's variant, string and [`Seen`] sit on one line.
macro_rules! error_codes {
    ($( $(#[$comment:meta])* $variant:ident = $code:literal => $seen:ident, )*) => {
        /// A stable snake_case error code. Serialised as its string (see [`ErrorCode::as_str`]).
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[$comment])* #[doc = concat!("`", $code, "`")] $variant, )*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as the API writes it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// Where a person sees this code.
            pub const fn seen(self) -> Seen {
                match self {
                    $(ErrorCode::$variant => Seen::$seen,)*
                }
            }
        }
    };
}

error_codes! {
    // Any request: the edge, the body and query extractors, the storage.
    AlreadyExists = "already_exists" => Error,
    BadRequest = "bad_request" => Error,
    BodyTimeout = "body_timeout" => Error,
    BodyUnreadable = "body_unreadable" => Error,
    ControlCharacter = "control_character" => Both,
    Forbidden = "forbidden" => Error,
    InternalError = "internal_error" => Error,
    InvalidBody = "invalid_body" => Error,
    InvalidQuery = "invalid_query" => Error,
    InvalidToken = "invalid_token" => Error,
    LengthRequired = "length_required" => Error,
    MalformedJson = "malformed_json" => Error,
    MethodNotAllowed = "method_not_allowed" => Error,
    MissingToken = "missing_token" => Error,
    NotFound = "not_found" => Error,
    PayloadTooLarge = "payload_too_large" => Error,
    RequestRefused = "request_refused" => Error,
    RequestTimeout = "request_timeout" => Error,
    ServerBusy = "server_busy" => Error,
    StorageUnavailable = "storage_unavailable" => Error,
    Unauthorized = "unauthorized" => Error,
    UnsupportedMediaType = "unsupported_media_type" => Error,
    UriTooLong = "uri_too_long" => Error,

    // Staff accounts, logins and tokens.
    AccountDisabled = "account_disabled" => Error,
    CannotDemoteSelf = "cannot_demote_self" => Error,
    CannotDisableSelf = "cannot_disable_self" => Error,
    InvalidCredentials = "invalid_credentials" => Error,
    InvalidDisplayName = "invalid_display_name" => Error,
    InvalidRoles = "invalid_roles" => Error,
    InvalidUsername = "invalid_username" => Error,
    SessionTooOld = "session_too_old" => Error,
    TokenExpired = "token_expired" => Error,
    TokenRevoked = "token_revoked" => Error,
    TooManyAttempts = "too_many_attempts" => Error,
    UserNotFound = "user_not_found" => Error,
    UsernameTaken = "username_taken" => Error,
    WeakPassword = "weak_password" => Error,

    // Question banks and questions (also the reasons a question is refused).
    BadDifficulty = "bad_difficulty" => Reason,
    BadIdent = "bad_ident" => Reason,
    BadPoints = "bad_points" => Reason,
    BankChanged = "bank_changed" => Error,
    BankExists = "bank_exists" => Error,
    BankNotFound = "bank_not_found" => Error,
    BlankCountMismatch = "blank_count_mismatch" => Both,
    CategoryNeedsBank = "category_needs_bank" => Error,
    DuplicateIdentifier = "duplicate_identifier" => Reason,
    DuplicateOption = "duplicate_option" => Reason,
    EmptyBlank = "empty_blank" => Reason,
    EmptyOption = "empty_option" => Reason,
    EmptyStem = "empty_stem" => Reason,
    FieldTooLong = "field_too_long" => Reason,
    IdentifierExists = "identifier_exists" => Both,
    InvalidBankCode = "invalid_bank_code" => Error,
    InvalidBankName = "invalid_bank_name" => Error,
    InvalidQuestion = "invalid_question" => Both,
    KeyKindMismatch = "key_kind_mismatch" => Reason,
    KeyOutOfRange = "key_out_of_range" => Reason,
    MediaNotFound = "media_not_found" => Error,
    NoCorrectOption = "no_correct_option" => Reason,
    QuestionNotFound = "question_not_found" => Error,
    SchemeMismatch = "scheme_mismatch" => Reason,
    /// A marking scheme or equipment list that is not well formed.
    BadScheme = "bad_scheme" => Reason,
    SingleNeedsOneCorrect = "single_needs_one_correct" => Reason,
    TooFewOptions = "too_few_options" => Reason,
    TooManyEntries = "too_many_entries" => Reason,
    TooManyOptions = "too_many_options" => Reason,
    UnexpectedOptions = "unexpected_options" => Reason,
    UnknownImage = "unknown_image" => Error,
    UnknownKind = "unknown_kind" => Error,
    UnknownStatus = "unknown_status" => Error,
    UnsupportedImage = "unsupported_image" => Error,
    VersionConflict = "version_conflict" => Error,
    VersionNotFound = "version_not_found" => Error,

    // Question-bank files: file-level errors, and why an item of a file was skipped.
    BadEncoding = "bad_encoding" => Error,
    BadOptionLabels = "bad_option_labels" => Reason,
    CircularReference = "circular_reference" => Reason,
    EmptyFile = "empty_file" => Error,
    ExportFailed = "export_failed" => Error,
    FileTooLargeUnpacked = "file_too_large_unpacked" => Error,
    InvalidAnswer = "invalid_answer" => Reason,
    InvalidField = "invalid_field" => Reason,
    InvalidRow = "invalid_row" => Reason,
    ItemTooLarge = "item_too_large" => Reason,
    MalformedCsv = "malformed_csv" => Error,
    MalformedMedia = "malformed_media" => Error,
    MalformedToml = "malformed_toml" => Error,
    MalformedXlsx = "malformed_xlsx" => Error,
    MalformedXml = "malformed_xml" => Error,
    MalformedZip = "malformed_zip" => Error,
    MissingColumn = "missing_column" => Error,
    MissingField = "missing_field" => Reason,
    MissingItemFile = "missing_item_file" => Reason,
    MissingKey = "missing_key" => Reason,
    NotAQuestion = "not_a_question" => Reason,
    TooDeeplyNested = "too_deeply_nested" => Reason,
    UnknownFormat = "unknown_format" => Error,
    UnknownType = "unknown_type" => Reason,
    UnsupportedFormat = "unsupported_format" => Both,
    UnsupportedInteraction = "unsupported_interaction" => Reason,
    UnsupportedType = "unsupported_type" => Reason,
    WrappedOption = "wrapped_option" => Reason,
    XmlEntitiesRefused = "xml_entities_refused" => Error,

    // Exams, sessions, rosters, candidate identity, attempts and marking.
    AlgorithmRetired = "algorithm_retired" => Error,
    AlreadyPaused = "already_paused" => Error,
    AttemptInProgress = "attempt_in_progress" => Error,
    AttemptNotFound = "attempt_not_found" => Error,
    AttemptPaused = "attempt_paused" => Error,
    AttemptSubmitted = "attempt_submitted" => Error,
    BadAttempts = "bad_attempts" => Reason,
    BadBirthDate = "bad_birth_date" => Reason,
    BadCharacter = "bad_character" => Reason,
    BadCheckCharacter = "bad_check_character" => Reason,
    BadCheckDigit = "bad_check_digit" => Reason,
    BadDifficultyRange = "bad_difficulty_range" => Reason,
    BadPassLine = "bad_pass_line" => Reason,
    BadPrefix = "bad_prefix" => Reason,
    BadRegion = "bad_region" => Reason,
    BadTarget = "bad_target" => Reason,
    BadTimeLimit = "bad_time_limit" => Reason,
    BadTolerance = "bad_tolerance" => Reason,
    BlankTooLong = "blank_too_long" => Error,
    BlueprintInfeasible = "blueprint_infeasible" => Error,
    CandidateRefused = "candidate_refused" => Error,
    CommentTooLong = "comment_too_long" => Error,
    DemoRosterRejected = "demo_roster_rejected" => Error,
    DuplicateIdNumber = "duplicate_id_number" => Reason,
    DuplicateSelection = "duplicate_selection" => Error,
    EmptyBank = "empty_bank" => Reason,
    EmptyName = "empty_name" => Reason,
    EmptySection = "empty_section" => Reason,
    ExamNotFound = "exam_not_found" => Error,
    InvalidEmployer = "invalid_employer" => Reason,
    InvalidExam = "invalid_exam" => Error,
    InvalidExtension = "invalid_extension" => Error,
    InvalidIdNumber = "invalid_id_number" => Error,
    InvalidName = "invalid_name" => Reason,
    InvalidPhone = "invalid_phone" => Reason,
    InvalidPoints = "invalid_points" => Error,
    InvalidProctor = "invalid_proctor" => Error,
    InvalidRooms = "invalid_rooms" => Error,
    InvalidSeq = "invalid_seq" => Error,
    InvalidSession = "invalid_session" => Error,
    InvalidTicket = "invalid_ticket" => Error,
    InvalidWindow = "invalid_window" => Error,
    MarkNotFound = "mark_not_found" => Error,
    NoAttempt = "no_attempt" => Error,
    NoAttemptsLeft = "no_attempts_left" => Error,
    NoFreeSeat = "no_free_seat" => Reason,
    NoSections = "no_sections" => Reason,
    NotParallel = "not_parallel" => Reason,
    NotPaused = "not_paused" => Error,
    OptionOutOfRange = "option_out_of_range" => Error,
    PaperUnavailable = "paper_unavailable" => Error,
    QuestionNotOnPaper = "question_not_on_paper" => Error,
    RoomNotFound = "room_not_found" => Error,
    SessionClosed = "session_closed" => Error,
    SessionFull = "session_full" => Reason,
    SessionNotFound = "session_not_found" => Error,
    SessionNotOpen = "session_not_open" => Error,
    Shortage = "shortage" => Reason,
    TakenOver = "taken_over" => Error,
    TextTooLong = "text_too_long" => Error,
    TicketFailed = "ticket_failed" => Reason,
    TimeUp = "time_up" => Error,
    TooManyEvents = "too_many_events" => Error,
    TooManySelections = "too_many_selections" => Error,
    UnknownBank = "unknown_bank" => Error,
    UnknownOption = "unknown_option" => Error,
    UnknownRoom = "unknown_room" => Reason,
    WrongLength = "wrong_length" => Reason,
    WrongResponseType = "wrong_response_type" => Error,
    ZeroCount = "zero_count" => Reason,

    // Proctoring.
    CandidateNotFound = "candidate_not_found" => Error,
    IncidentNotFound = "incident_not_found" => Error,
    ReasonRequired = "reason_required" => Error,

    // The practical part: setup, draw and check-in.
    AlreadyDrawn = "already_drawn" => Error,
    HeadNotOnPanel = "head_not_on_panel" => Error,
    InvalidPracticalSetup = "invalid_practical_setup" => Error,
    NoPracticalPart = "no_practical_part" => Error,
    NotAJudge = "not_a_judge" => Error,
    NotAPracticalTask = "not_a_practical_task" => Error,
    NotEnoughSlots = "not_enough_slots" => Error,
    PracticalStarted = "practical_started" => Error,
    ScheduleNotDrawn = "schedule_not_drawn" => Error,
    UnknownTicket = "unknown_ticket" => Error,

    // Certificates, their types, numbers and signing keys.
    AlreadyRevoked = "already_revoked" => Error,
    AlreadySuperseded = "already_superseded" => Error,
    CertificateExpired = "certificate_expired" => Error,
    CertificateNotFound = "certificate_not_found" => Error,
    CertificateNotValid = "certificate_not_valid" => Error,
    CertificateRevoked = "certificate_revoked" => Error,
    CertificateTypeNotFound = "certificate_type_not_found" => Error,
    GlyphMissing = "glyph_missing" => Error,
    InvalidCertificateNumber = "invalid_certificate_number" => Error,
    InvalidCertificateType = "invalid_certificate_type" => Error,
    InvalidCorrection = "invalid_correction" => Error,
    InvalidNumberPattern = "invalid_number_pattern" => Error,
    InvalidTypeCode = "invalid_type_code" => Error,
    InvalidWording = "invalid_wording" => Error,
    KeyNotFound = "key_not_found" => Error,
    NoSigningKey = "no_signing_key" => Error,
    QrTooLarge = "qr_too_large" => Error,
    ReasonTooLong = "reason_too_long" => Error,
    ResultsNotReleased = "results_not_released" => Error,
    StatusConflict = "status_conflict" => Error,
    TooManyKeys = "too_many_keys" => Error,
    TypeCodeExists = "type_code_exists" => Error,
    TypeInUse = "type_in_use" => Error,

    // Issue 12, certificates and results: the public address, the public result lookup.
    CertPublicUrlUnusable = "cert_public_url_unusable" => Error,
    ResultNotFound = "result_not_found" => Error,
    // The console's editing before a session starts, unmarkable questions, full ID exports.
    CandidateStarted = "candidate_started" => Error,
    ExamInUse = "exam_in_use" => Error,
    InvalidJudge = "invalid_judge" => Error,
    QrTextTooLong = "qr_text_too_long" => Error,
    QuestionNotMarkable = "question_not_markable" => Error,
    SessionStarted = "session_started" => Error,
    // Issue 13, judging: judges' marks, spread flags, sign-off and lock, corrections.
    ConflictOfInterest = "conflict_of_interest" => Error,
    CorrectionDecided = "correction_decided" => Error,
    CorrectionNotFound = "correction_not_found" => Error,
    FlagsOpen = "flags_open" => Error,
    MarkOutOfRange = "mark_out_of_range" => Error,
    NotHeadJudge = "not_head_judge" => Error,
    NotOnPanel = "not_on_panel" => Error,
    ReauthFailed = "reauth_failed" => Error,
    SamePerson = "same_person" => Error,
    SheetIncomplete = "sheet_incomplete" => Error,
    SheetSubmitted = "sheet_submitted" => Error,
    SheetsMissing = "sheets_missing" => Error,
    TaskLocked = "task_locked" => Error,
    TaskNotFound = "task_not_found" => Error,
    TaskNotLocked = "task_not_locked" => Error,
    UnknownAspect = "unknown_aspect" => Error,
    UnknownCode = "unknown_code" => Error,
    // Issue 14, competitions.
    CompetitionNotFound = "competition_not_found" => Error,
    ContestantNotFound = "contestant_not_found" => Error,
    EventNotFound = "event_not_found" => Error,
    GroupNotFound = "group_not_found" => Error,
    StageNotFound = "stage_not_found" => Error,
    // Issue 14, set-up and registration.
    BadRegistrationFile = "bad_registration_file" => Error,
    CompetitionInUse = "competition_in_use" => Error,
    DuplicateRegistration = "duplicate_registration" => Both,
    Ineligible = "ineligible" => Both,
    InvalidCompetition = "invalid_competition" => Error,
    RefusalNeedsReason = "refusal_needs_reason" => Error,
    RegistrationNotPending = "registration_not_pending" => Error,
    TeamSizeMismatch = "team_size_mismatch" => Both,
    TheoryWeightOverCap = "theory_weight_over_cap" => Error,
    WeightsNotOne = "weights_not_one" => Error,
    // Issue 14, the final (part B): seals, check-in, two-layer codes, decryption.
    AlreadyCheckedIn = "already_checked_in" => Error,
    AnonymousPart = "anonymous_part" => Error,
    CheckinClosed = "checkin_closed" => Error,
    CodesNotFinal = "codes_not_final" => Error,
    DecryptionOutOfOrder = "decryption_out_of_order" => Error,
    FinalNotPrepared = "final_not_prepared" => Error,
    IdentityMismatch = "identity_mismatch" => Error,
    MappingSealed = "mapping_sealed" => Error,
    MappingTampered = "mapping_tampered" => Error,
    NotAFinalist = "not_a_finalist" => Error,
    PassphraseTooShort = "passphrase_too_short" => Error,
    SameKeyHolder = "same_key_holder" => Error,
    SealExists = "seal_exists" => Error,
    SealNotSet = "seal_not_set" => Error,
    TasksNotLocked = "tasks_not_locked" => Error,
    WrongKeyHolder = "wrong_key_holder" => Error,
    WrongPassphrase = "wrong_passphrase" => Error,
    // Issue 14, part C: cut, recheck, ranking.
    CutConfirmed = "cut_confirmed" => Error,
    CutNotReady = "cut_not_ready" => Error,
    NotDecrypted = "not_decrypted" => Error,
    RecheckDone = "recheck_done" => Error,
    RecheckNotStarted = "recheck_not_started" => Error,
    RecheckPending = "recheck_pending" => Error,
    ScoresNotLocked = "scores_not_locked" => Error,
    // Issue 15: publication of results.
    AlreadyFinal = "already_final" => Error,
    AppealWindowOpen = "appeal_window_open" => Error,
    AppealsPending = "appeals_pending" => Error,
    BadAppealWindow = "bad_appeal_window" => Error,
    NotPublished = "not_published" => Error,
    // Issue 15, part A: appeals and arbitration.
    AppealDecided = "appeal_decided" => Error,
    AppealLimitReached = "appeal_limit_reached" => Error,
    AppealNotFound = "appeal_not_found" => Error,
    AppealWindowClosed = "appeal_window_closed" => Error,
    AttachmentTooLarge = "attachment_too_large" => Error,
    AttachmentType = "attachment_type" => Error,
    CorrectionNotForAppeal = "correction_not_for_appeal" => Error,
    GroundsRequired = "grounds_required" => Error,
    GroundsTooLong = "grounds_too_long" => Error,
    NotYourContestant = "not_your_contestant" => Error,
    TooManyAttachments = "too_many_attachments" => Error,
    UnknownLeader = "unknown_leader" => Error,
    // Issue 15, part C: the live scoreboard's freeze and reveal.
    BoardFrozen = "board_frozen" => Error,
    BoardNotFrozen = "board_not_frozen" => Error,
    RevealDone = "reveal_done" => Error,
    RevealInProgress = "reveal_in_progress" => Error,
    RevealNotReady = "reveal_not_ready" => Error,
    RevealNotStarted = "reveal_not_started" => Error,
    // Issue 15, part B: award policies, awards, award certificates.
    BadPolicy = "bad_policy" => Error,
    CertificatesIssued = "certificates_issued" => Error,
    NoAwardPolicy = "no_award_policy" => Error,
    NotFinal = "not_final" => Error,
    PolicyBadCount = "policy_bad_count" => Error,
    // snake_case of the variant would be `policy_over100`.
    #[serde(rename = "policy_over_100")]
    PolicyOver100 = "policy_over_100" => Error,
    UnknownAwardKind = "unknown_award_kind" => Error,
    UnknownCertificateType = "unknown_certificate_type" => Error,
    UnknownGroup = "unknown_group" => Error,
    // Issue 16, part REVIEW: the item lifecycle and two-person review.
    TransitionNotAllowed = "transition_not_allowed" => Error,
    ReviewByAuthor = "review_by_author" => Error,
    ReviewRequired = "review_required" => Error,
    UnknownQuestion = "unknown_question" => Error,
    // Issue 16, part LOOP: measured difficulty and exposure in the draw.
    BadDrawSettings = "bad_draw_settings" => Reason,
    // Issue 16, part DATA: item analytics.
    BadThresholds = "bad_thresholds" => Error,
    BadDifGroups = "bad_dif_groups" => Error,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
