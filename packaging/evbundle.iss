; Inno Setup 6 script: per-user install of the one-folder build (no administrator rights needed,
; which suits locked-down law-firm laptops). Run by packaging/build (windows.py), which passes the
; /D values below from pyproject.toml; by hand:  iscc /DAppVersion=0.1.0 ... packaging\evbundle.iss
#ifndef AppVersion
  #error Run through packaging/build, which passes the app's metadata (/DAppVersion=... and the rest)
#endif

[Setup]
; The id ties upgrades together: a newer installer with the same id replaces the installed version.
AppId={#AppId}
AppName={#DisplayName}
AppVersion={#AppVersion}
AppVerName={#DisplayName} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#AppVersion}
; Per user: %LOCALAPPDATA%\Programs\evbundle, registry under HKEY_CURRENT_USER. An administrator may
; still choose "install for all users" in the dialog (then Program Files and HKEY_LOCAL_MACHINE).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#DisplayName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppName}.exe
SetupIconFile=icons\evbundle.ico
LicenseFile=..\LICENSE
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
; Close a running evbundle before replacing its files.
CloseApplications=yes
WizardStyle=modern

[InstallDelete]
; An upgrade replaces the whole program folder: a library left from the previous version could be
; loaded by the new one. (This also removes an installed capture engine: install the engine of the
; same version again; its installer says so.) Cases, identities and settings are elsewhere, kept.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\{#AppName}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#DisplayName}"; Filename: "{app}\{#AppName}.exe"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#DisplayName}"; Filename: "{app}\{#AppName}.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Registry]
; The .evcase association, per user (HKA is HKEY_CURRENT_USER for a per-user install).
Root: HKA; Subkey: "Software\Classes\.{#CaseSuffix}"; ValueType: string; ValueName: ""; ValueData: "{#CaseProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.{#CaseSuffix}"; ValueType: string; ValueName: "Content Type"; ValueData: "{#CaseMimeType}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.{#CaseSuffix}\OpenWithProgids"; ValueType: string; ValueName: "{#CaseProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#CaseProgId}"; ValueType: string; ValueName: ""; ValueData: "{#CaseTypeName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#CaseProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppName}.exe,0"
Root: HKA; Subkey: "Software\Classes\{#CaseProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppName}.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppName}.exe\SupportedTypes"; ValueType: string; ValueName: ".{#CaseSuffix}"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "{cm:LaunchProgram,{#DisplayName}}"; Flags: postinstall nowait skipifsilent

[UninstallDelete]
; Only the program folder goes. Cases, signing identities, trusted certificates, settings and logs
; stay in %LOCALAPPDATA%\evbundle: identities are evidence of who signed earlier bundles.
Type: filesandordirs; Name: "{app}\_internal"
