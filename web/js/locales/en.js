// The console's words in English. Keys are "<screen>.<word>"; ja.js has the same keys. Where the
// product's own pages name a thing (Administration → API Keys, Add API Key, Status, + Add Role,
// Third-party auditing (API only), + Add Account, APIs only, Generate new authentication token),
// the console uses those words.
export default {
  // --- shell ---
  'nav.label': 'Main',
  'nav.skip': 'Skip to content',
  'nav.administration': 'Administration',
  'nav.overview': 'Overview',
  'nav.keys': 'API Keys',
  'nav.roles': 'User Roles',
  'nav.accounts': 'User Accounts',
  'nav.audit': 'Audit log',
  'nav.signOut': 'Sign out',

  // --- common ---
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.save': 'Save',
  'common.add': 'Add',
  'common.submit': 'Submit',
  'common.delete': 'Delete',
  'common.edit': 'Edit',
  'common.search': 'Search',
  'common.apply': 'Apply',
  'common.reset': 'Reset',
  'common.any': 'Any',
  'common.none': 'None',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.never': 'Never',
  'common.loading': 'Loading…',
  'common.next': 'Next page',
  'common.first': 'First page',
  'common.name': 'Name',
  'common.description': 'Description',
  'common.role': 'Role',
  'common.locale': 'Language',
  'common.timeZone': 'Time zone',
  'common.enabled': 'Enabled',
  'common.disabled': 'Disabled',
  'common.actions': 'Actions',
  'common.details': 'Details',
  'common.saved': 'Saved.',
  'common.back': 'Back to {screen}',
  'common.noResults': 'Nothing to show.',
  'common.select': 'Select {name}',
  'common.selectAll': 'Select all on this page',
  'locale.en-US': 'English',
  'locale.ja-JP': '日本語 (Japanese)',

  // --- values ---
  'status.enabled': 'Enabled',
  'status.disabled': 'Disabled',
  'status.expired': 'Expired',
  'status.locked_out': 'Locked out',
  'source.api': 'API',
  'source.console': 'Console',
  'source.account': 'Account token',
  'source.import': 'Import',
  'accessLevel.console_and_api': 'Console and APIs',
  'accessLevel.api_only': 'APIs only',
  'accessLevel.console_only': 'Console only',

  // --- errors ---
  'error.title': 'Something went wrong',
  'error.generic': 'The request failed (HTTP {status}).',
  'error.network': 'The server could not be reached. Check your connection and try again.',
  'error.forbidden': 'Your role does not allow this action.',
  'error.forbiddenTitle': 'Not allowed',
  'error.forbiddenScreen': 'Your role does not allow you to see this page.',
  'error.notFoundTitle': 'Page not found',
  'error.notFoundPage': 'There is no such page in the console.',

  // --- secrets (shown once) ---
  'secret.warningTitle': 'Copy it now.',
  'secret.warning': 'This is the only time it will be shown. After you close this dialog it is hidden and cannot be retrieved.',
  'secret.copy': 'Copy',
  'secret.copied': 'Copied to the clipboard.',
  'secret.done': 'I have copied it, close',

  // --- sign in and passwords ---
  'signin.title': 'Sign in',
  'signin.email': 'Email',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.expired': 'Your session has expired. Sign in again to continue where you were.',
  'signin.signedOut': 'You have signed out.',
  'signin.passwordChanged': 'Your password was changed. Sign in with the new one.',
  'password.title': 'Change your password',
  'password.forced': 'You signed in with a one-time password. Choose a new password to continue.',
  'password.oneTime': 'One-time password',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'Confirm the new password',
  'password.rules': 'At least 12 characters.',
  'password.mismatch': 'The two new passwords are not the same.',
  'password.submit': 'Change password',

  // --- profile ---
  'profile.title': 'Your account',

  // --- keys ---
  'keys.title': 'API Keys',

  // --- overview (screens/overview.js) ---
  'overview.title': 'Overview',

  // --- roles (screens/roles.js, screens/role_details.js) ---
  'roles.title': 'User Roles',

  // --- accounts (screens/accounts.js, screens/account_details.js) ---
  'accounts.title': 'User Accounts',

  // --- audit (screens/audit.js) ---
  'audit.title': 'Audit log',

  // --- end ---
};
