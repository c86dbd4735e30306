// The console's words in Japanese: the same keys as en.js. A key missing here shows in English.
export default {
  // --- shell ---
  'nav.label': 'メイン',
  'nav.skip': 'コンテンツへスキップ',
  'nav.administration': '管理',
  'nav.overview': '概要',
  'nav.keys': 'API キー',
  'nav.roles': 'ユーザーの役割',
  'nav.accounts': 'ユーザーアカウント',
  'nav.audit': '監査ログ',
  'nav.signOut': 'サインアウト',

  // --- common ---
  'common.cancel': 'キャンセル',
  'common.close': '閉じる',
  'common.save': '保存',
  'common.add': '追加',
  'common.submit': '送信',
  'common.delete': '削除',
  'common.edit': '編集',
  'common.search': '検索',
  'common.apply': '適用',
  'common.reset': 'リセット',
  'common.any': 'すべて',
  'common.none': 'なし',
  'common.yes': 'はい',
  'common.no': 'いいえ',
  'common.never': 'なし',
  'common.loading': '読み込み中…',
  'common.next': '次のページ',
  'common.first': '最初のページ',
  'common.name': '名前',
  'common.description': '説明',
  'common.role': '役割',
  'common.locale': '言語',
  'common.timeZone': 'タイムゾーン',
  'common.enabled': '有効',
  'common.disabled': '無効',
  'common.actions': '操作',
  'common.details': '詳細',
  'common.saved': '保存しました。',
  'common.back': '{screen} に戻る',
  'common.noResults': '表示する項目はありません。',
  'common.select': '{name} を選択',
  'common.selectAll': 'このページのすべてを選択',
  'locale.en-US': 'English (英語)',
  'locale.ja-JP': '日本語',

  // --- values ---
  'status.enabled': '有効',
  'status.disabled': '無効',
  'status.expired': '期限切れ',
  'status.locked_out': 'ロックアウト',
  'source.api': 'API',
  'source.console': 'コンソール',
  'source.account': 'アカウントのトークン',
  'source.import': 'インポート',
  'accessLevel.console_and_api': 'コンソールと API',
  'accessLevel.api_only': 'API のみ',
  'accessLevel.console_only': 'コンソールのみ',

  // --- errors ---
  'error.title': 'エラーが発生しました',
  'error.generic': 'リクエストに失敗しました (HTTP {status})。',
  'error.network': 'サーバーに接続できませんでした。接続を確認して、もう一度お試しください。',
  'error.forbidden': 'この操作はあなたの役割では許可されていません。',
  'error.forbiddenTitle': '許可されていません',
  'error.forbiddenScreen': 'このページはあなたの役割では表示できません。',
  'error.notFoundTitle': 'ページが見つかりません',
  'error.notFoundPage': 'コンソールにこのページはありません。',

  // --- secrets (shown once) ---
  'secret.warningTitle': '今すぐコピーしてください。',
  'secret.warning': '表示されるのはこの一度だけです。このダイアログを閉じると非表示になり、再度取得することはできません。',
  'secret.copy': 'コピー',
  'secret.copied': 'クリップボードにコピーしました。',
  'secret.done': 'コピーしたので閉じる',

  // --- sign in and passwords ---
  'signin.title': 'サインイン',
  'signin.email': 'メールアドレス',
  'signin.password': 'パスワード',
  'signin.submit': 'サインイン',
  'signin.expired': 'セッションの有効期限が切れました。もう一度サインインすると、元のページに戻ります。',
  'signin.signedOut': 'サインアウトしました。',
  'signin.passwordChanged': 'パスワードを変更しました。新しいパスワードでサインインしてください。',
  'password.title': 'パスワードの変更',
  'password.forced': 'ワンタイムパスワードでサインインしました。続行するには新しいパスワードを設定してください。',
  'password.oneTime': 'ワンタイムパスワード',
  'password.current': '現在のパスワード',
  'password.new': '新しいパスワード',
  'password.confirm': '新しいパスワード (確認)',
  'password.rules': '12 文字以上。',
  'password.mismatch': '2 つの新しいパスワードが一致しません。',
  'password.submit': 'パスワードを変更',

  // --- profile ---
  'profile.title': 'あなたのアカウント',

  // --- keys ---
  'keys.title': 'API キー',

  // --- overview (screens/overview.js) ---
  'overview.title': '概要',

  // --- roles (screens/roles.js, screens/role_details.js) ---
  'roles.title': 'ユーザーの役割',

  // --- accounts (screens/accounts.js, screens/account_details.js) ---
  'accounts.title': 'ユーザーアカウント',

  // --- audit (screens/audit.js) ---
  'audit.title': '監査ログ',

  // --- end ---
};
