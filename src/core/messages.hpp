// The message catalogue: every sentence Keyward says to a caller, in each locale it speaks.
// Templates take positional arguments ({0}, {1}, ...). Add a message by adding one line here.
// Thread-safe (constant data).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keyward::core {

enum class Locale;

// clang-format off
#define KEYWARD_MESSAGES(X) \
  X(kInternal, "an internal error occurred", "内部エラーが発生しました") \
  X(kUnavailable, "the service is temporarily unavailable; retry later", "サービスは一時的に利用できません。しばらくしてから再試行してください") \
  X(kRequired, "{0} is required", "{0} は必須です") \
  X(kWrongType, "{0} must be {1}", "{0} は {1} である必要があります") \
  X(kUnknownField, "unknown field {0}", "不明なフィールド {0} です") \
  X(kDuplicateField, "field {0} appears more than once", "フィールド {0} が重複しています") \
  X(kMalformedJson, "the request body is not valid JSON: {0}", "リクエスト本文が有効な JSON ではありません: {0}") \
  X(kNameLength, "{0} must be 1 to {1} characters", "{0} は 1 から {1} 文字である必要があります") \
  X(kTextTooLong, "{0} must be at most {1} characters", "{0} は {1} 文字以内である必要があります") \
  X(kControlCharacters, "{0} must not contain control characters", "{0} に制御文字を含めることはできません") \
  X(kInvisibleCharacters, "{0} must not contain invisible, bidirectional or byte-order-mark characters", "{0} に不可視文字、双方向制御文字、BOM を含めることはできません") \
  X(kInvalidUtf8, "{0} is not valid UTF-8", "{0} は有効な UTF-8 ではありません") \
  X(kKeyNameTaken, "an API key named \"{0}\" already exists", "API キー「{0}」は既に存在します") \
  X(kRoleNameTaken, "a role named \"{0}\" already exists", "ロール「{0}」は既に存在します") \
  X(kEmailTaken, "an account with email \"{0}\" already exists", "メールアドレス「{0}」のアカウントは既に存在します") \
  X(kLocaleInvalid, "locale must be en-US or ja-JP, not \"{0}\"", "locale は en-US または ja-JP である必要があります (「{0}」は無効です)") \
  X(kTimeZoneInvalid, "\"{0}\" is not an IANA time zone name", "「{0}」は IANA タイムゾーン名ではありません") \
  X(kTimeInvalid, "\"{0}\" is not an RFC 3339 time", "「{0}」は RFC 3339 形式の日時ではありません") \
  X(kTimeNonexistent, "{0} does not exist in time zone {1}", "{0} はタイムゾーン {1} に存在しない時刻です") \
  X(kTimeAmbiguous, "{0} is ambiguous in time zone {1}; give an offset", "{0} はタイムゾーン {1} では曖昧です。オフセットを指定してください") \
  X(kExpiryNotFuture, "expiresAt must be in the future", "expiresAt は将来の日時である必要があります") \
  X(kExpiryImmutable, "expiresAt cannot be changed after the key is created", "expiresAt はキーの作成後に変更できません") \
  X(kIpInvalid, "\"{0}\" is not a dotted-decimal IPv4 address or CIDR range", "「{0}」はドット区切りの IPv4 アドレスまたは CIDR 範囲ではありません") \
  X(kIpLeadingZero, "\"{0}\" has a leading zero", "「{0}」に先頭のゼロが含まれています") \
  X(kIpWildcard, "\"{0}\": wildcards are not supported", "「{0}」: ワイルドカードはサポートされていません") \
  X(kIpHostBits, "\"{0}\" has host bits set; did you mean {1}?", "「{0}」にホストビットが設定されています。{1} のことですか?") \
  X(kIpZeroPrefix, "\"{0}\": a /0 range is not allowed", "「{0}」: /0 の範囲は使用できません") \
  X(kIpNotPublic, "\"{0}\" is not public address space (it overlaps {1}, {2}); an operator may admit private ranges with the server's --allow-private-ips (KEYWARD_ALLOW_PRIVATE_IPS)", "「{0}」はパブリックアドレス空間ではありません ({1}、{2} と重複しています)。プライベート範囲は、運用者がサーバーの --allow-private-ips (KEYWARD_ALLOW_PRIVATE_IPS) で許可できます") \
  X(kIpDuplicate, "\"{0}\" appears more than once", "「{0}」が重複しています") \
  X(kTooManyItems, "{0} may hold at most {1} entries", "{0} には最大 {1} 個まで指定できます") \
  X(kRoleNotFound, "role \"{0}\" does not exist", "ロール「{0}」は存在しません") \
  X(kKeyNotFound, "API key {0} does not exist", "API キー {0} は存在しません") \
  X(kAccountNotFound, "account {0} does not exist", "アカウント {0} は存在しません") \
  X(kNotFound, "{0} does not exist", "{0} は存在しません") \
  X(kAccountKeyReadOnly, "API key {0} is an account's authentication token; manage it through its account", "API キー {0} はアカウントの認証トークンです。アカウントから管理してください") \
  X(kGracePeriodRange, "gracePeriodSeconds must be between 0 and {0}", "gracePeriodSeconds は 0 から {0} の間である必要があります") \
  X(kLimitRange, "limit must be between 1 and {0}", "limit は 1 から {0} の間である必要があります") \
  X(kCursorInvalid, "cursor is not valid", "cursor が無効です") \
  X(kFilterInvalid, "\"{1}\" is not a valid value for {0}", "「{1}」は {0} の有効な値ではありません") \
  X(kIdInvalid, "\"{0}\" is not a valid id", "「{0}」は有効な ID ではありません") \
  X(kPermissionInvalid, "\"{0}\" is not a valid permission (resource:action)", "「{0}」は有効な権限 (resource:action) ではありません") \
  X(kGrantNotHeld, "you cannot grant the permission {0}, which you do not hold", "保持していない権限 {0} を付与することはできません") \
  X(kTargetOutranks, "you cannot act on {0}: it holds permissions you do not", "{0} を操作できません: あなたが保持していない権限を持っています") \
  X(kLastMasterAdministrator, "this would leave no enabled Master Administrator", "有効なマスター管理者がいなくなるため、この操作はできません") \
  X(kUnauthenticated, "invalid or missing API key", "API キーが無効であるか、指定されていません") \
  X(kPermissionRequired, "this call requires the permission {0}", "この呼び出しには権限 {0} が必要です") \
  X(kIpNotAllowed, "this API key may not be used from {0}", "この API キーは {0} から使用できません") \
  X(kRateLimited, "too many failed attempts from this address; retry later", "このアドレスからの失敗した試行が多すぎます。しばらくしてから再試行してください") \
  X(kBuiltInRole, "role {0} is built in and cannot be changed", "ロール {0} は組み込みのため変更できません") \
  X(kRoleInUse, "role {0} is in use by {1} keys or accounts", "ロール {0} は {1} 個のキーまたはアカウントで使用されています") \
  X(kTokenExists, "the account already has an authentication token; delete the existing token first", "このアカウントには既に認証トークンがあります。先に既存のトークンを削除してください") \
  X(kPayloadTooLarge, "the request body is larger than {0} bytes", "リクエスト本文が {0} バイトを超えています") \
  X(kHttpMalformed, "the request is not valid HTTP: {0}", "リクエストが有効な HTTP ではありません: {0}") \
  X(kHeadersTooLarge, "the request line and header fields are larger than {0} bytes", "リクエスト行とヘッダーフィールドが {0} バイトを超えています") \
  X(kTwoCredentials, "the request carries more than one credential", "リクエストに複数の認証情報が含まれています") \
  X(kTokenInQuery, "credentials must not be sent in the query string", "認証情報をクエリ文字列で送信しないでください") \
  X(kSecretInField, "credentials must not be sent in field {0}", "フィールド {0} で認証情報を送信しないでください") \
  X(kMethodNotAllowed, "method {0} is not allowed here", "メソッド {0} はここでは使用できません") \
  X(kRouteNotFound, "no such endpoint: {0}", "エンドポイント {0} は存在しません") \
  X(kPepperMismatch, "the pepper does not match this store's fingerprint: start with the pepper this store was made with (the data directory's pepper file, or --pepper-file)", "pepper がこのストアのフィンガープリントと一致しません。このストアを作成したときの pepper (データディレクトリの pepper ファイル、または --pepper-file) で起動してください") \
  X(kPepperMissing, "{0} was made with a pepper, but there is no pepper file at {1}: put this store's pepper back there (or pass --pepper-file); no new pepper was created, as it would verify no key", "{0} は pepper を使って作成されていますが、{1} に pepper ファイルがありません。このストアの pepper をそこに戻してください (または --pepper-file を指定してください)。新しい pepper ではどのキーも検証できないため、作成していません") \
  X(kSchemaTooNew, "{0} has schema version {1}, but this Keyward knows schema versions 1 to {2}: run the Keyward release that wrote it or a newer one, or restore a backup taken before that upgrade", "{0} のスキーマバージョンは {1} ですが、この Keyward が扱えるのはバージョン 1 から {2} です。このデータベースを書いたリリース以降の Keyward を実行するか、そのアップグレード前に取ったバックアップを復元してください") \
  X(kStoreError, "storage error: {0}", "ストレージエラー: {0}") \
  X(kStoreFull, "the database is full (the disk, or --max-database-size); nothing was written; retry once space is freed", "データベースが満杯です (ディスクまたは --max-database-size)。何も書き込まれていません。空き領域ができてから再試行してください") \
  X(kStoreLocked, "the database is locked by another process; nothing was written; retry later", "データベースが別のプロセスにロックされています。何も書き込まれていません。しばらくしてから再試行してください") \
  X(kStoreUnreachable, "the database server cannot be reached; nothing was written; retry once it is back", "データベースサーバーに接続できません。何も書き込まれていません。復旧後に再試行してください") \
  X(kStoreRemoved, "the database file was removed or replaced; nothing was written; retry once it is restored", "データベースファイルが削除または置き換えられました。何も書き込まれていません。復元後に再試行してください") \
  X(kSetting, "{0}", "{0}") \
  X(kEmailInvalid, "\"{0}\" is not a well-formed email address", "「{0}」は正しい形式のメールアドレスではありません") \
  X(kAccessLevelInvalid, "accessLevel must be console_and_api, api_only or console_only, not \"{0}\"", "accessLevel は console_and_api、api_only、console_only のいずれかである必要があります (「{0}」は無効です)") \
  X(kAccountTypeInvalid, "type must be local, not \"{0}\"", "type は local である必要があります (「{0}」は無効です)") \
  X(kSignInFailed, "wrong email or password", "メールアドレスまたはパスワードが正しくありません") \
  X(kSignInApiOnly, "this account has API access only and cannot sign into the console", "このアカウントは API 専用のため、コンソールにサインインできません") \
  X(kSignInLocked, "too many wrong passwords from this address; the account is locked for sign-in until an administrator unlocks it or {0}", "このアドレスからの誤ったパスワードが多すぎます。管理者がロックを解除するか {0} まで、このアカウントはサインインできません") \
  X(kSignInWithKey, "console sign-in takes an email and a password, not an API key", "コンソールへのサインインにはメールアドレスとパスワードが必要です (API キーは使用できません)") \
  X(kSessionRequired, "this call requires a console session", "この呼び出しにはコンソールセッションが必要です") \
  X(kCsrfMissing, "a state-changing call with the session cookie must carry a valid X-CSRF-Token header", "セッション Cookie を使用する変更操作には有効な X-CSRF-Token ヘッダーが必要です") \
  X(kPasswordChangeRequired, "change your one-time password first (POST /v1/session/password)", "最初にワンタイムパスワードを変更してください (POST /v1/session/password)") \
  X(kPasswordWrong, "currentPassword is wrong", "currentPassword が正しくありません") \
  X(kPasswordLength, "{0} must be {1} to {2} characters", "{0} は {1} から {2} 文字である必要があります") \
  X(kPasswordReused, "newPassword must differ from the current password", "newPassword は現在のパスワードと異なる必要があります") \
  X(kBusy, "too many sign-ins are being checked at once; retry in a moment", "同時に処理中のサインインが多すぎます。しばらくしてから再試行してください") \
  X(kAccountNoApiAccess, "account {0} has console access only: it cannot hold an authentication token", "アカウント {0} はコンソール専用のため、認証トークンを保持できません") \
  X(kAccountHasNoToken, "account {0} has no authentication token", "アカウント {0} には認証トークンがありません") \
  X(kRoleInUseCounts, "role {0} is in use by {1} API keys and {2} accounts", "ロール {0} は {1} 個の API キーと {2} 個のアカウントで使用されています") \
  X(kSignInDisabled, "this account is disabled", "このアカウントは無効になっています") \
  X(kSessionEnded, "your console session has ended; sign in again", "コンソールセッションは終了しました。もう一度サインインしてください") \
  X(kPepperVersionRetired, "the pepper file holds in full version {0}, which this store has retired: give this node the pepper file that keyward pepper retire wrote", "pepper ファイルはこのストアで廃止済みのバージョン {0} を完全な形で保持しています。keyward pepper retire が書き出した pepper ファイルをこのノードに配置してください") \
  X(kPepperVersionUnknown, "pepper version {0} is not in the pepper file (it holds {1})", "pepper バージョン {0} は pepper ファイルにありません (ファイルにあるのは {1})") \
  X(kPepperVersionCurrent, "pepper version {0} is the current version: add a new one first (keyward pepper rotate), restart, and retire {0} once no key uses it", "pepper バージョン {0} は現在のバージョンです。先に新しいバージョンを追加し (keyward pepper rotate)、再起動して、どのキーも使わなくなってから {0} を廃止してください") \
  X(kPepperVersionInUse, "pepper version {0} is still used by {1}. Each key moves to the current version at its next successful use (see keyward pepper status); or give --disable-keys to disable them and retire now", "pepper バージョン {0} はまだ {1} に使われています。各キーは次に検証に成功したときに現在のバージョンへ移ります (keyward pepper status を参照)。今すぐ廃止するには --disable-keys でそれらのキーを無効にしてください") \
  X(kPepperVersionTakenUp, "pepper version {0} was taken up by {1} while it was being retired: is a node still running with it as its current version? Restart every node with the current pepper file, then retire again", "廃止の途中で pepper バージョン {0} が {1} に使われました。このバージョンを現在のバージョンとして動いているノードがありませんか。すべてのノードを現在の pepper ファイルで再起動してから、もう一度廃止してください") \
  X(kPepperKeyNotDisabled, "cannot disable key {0}, which uses pepper version {1}: {2} ({3} disabled before it stay disabled)", "pepper バージョン {1} を使うキー {0} を無効にできません: {2} (それまでに無効にした {3} 個のキーは無効のままです)") \
  X(kPepperFile, "{0} pepper file {1}: {2}", "pepper ファイル {1} について: {0}: {2}") \
  X(kPepperFileMissing, "no pepper file at {0} ({1})", "{0} に pepper ファイルがありません ({1})") \
  X(kPepperVersionInvalid, "VERSION \"{0}\" is not a pepper version (a whole number from 1; see keyward pepper status)", "VERSION 「{0}」は pepper のバージョンではありません (1 以上の整数。keyward pepper status を参照)")
// clang-format on

enum class Msg {
#define KEYWARD_MSG_ENUM(name, en, ja) name,
  KEYWARD_MESSAGES(KEYWARD_MSG_ENUM)
#undef KEYWARD_MSG_ENUM
};

// Renders message `msg` in `locale` with `args` substituted. A template/argument mismatch never
// throws: the template is returned with the arguments appended.
std::string RenderMessage(Msg msg, Locale locale, const std::vector<std::string>& args);

// A value a caller sent, bounded for echoing in an error: at most kMaxEchoCodePoints code points,
// cut on a code point boundary and ended with "…" when cut. RenderMessage bounds every argument
// with it, and the HTTP error body its `field`.
inline constexpr std::size_t kMaxEchoCodePoints = 128;
std::string BoundEcho(std::string_view text);

}  // namespace keyward::core
