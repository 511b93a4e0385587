; Inno Setup 6 script: the capture engine (QtWebEngine) added to an installed evbundle of the same
; version. Run by packaging/build --capture-engine on Windows (windows.py passes the /D values).
#ifndef AppVersion
  #error Run through packaging/build --capture-engine, which passes the app's metadata
#endif

[Setup]
AppId={#AppId}.capture-engine
AppName={#DisplayName} capture engine
AppVersion={#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Into the folder where evbundle is installed (its installer recorded it), never elsewhere.
DefaultDirName={code:AppFolder}
DisableDirPage=yes
DisableProgramGroupPage=yes
CreateUninstallRegKey=yes
Uninstallable=yes
SetupIconFile=icons\evbundle.ico
OutputDir=..\dist
OutputBaseFilename={#AppName}-capture-engine-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "..\dist\{#AppName}-capture-engine\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Code]
function AppKey(): String;
begin
  Result := 'Software\Microsoft\Windows\CurrentVersion\Uninstall\{#AppId}_is1';
end;

function AppFolder(Param: String): String;
begin
  if not RegQueryStringValue(HKCU, AppKey(), 'InstallLocation', Result) then
    if not RegQueryStringValue(HKLM, AppKey(), 'InstallLocation', Result) then
      Result := '';
end;

function InitializeSetup(): Boolean;
var
  Version: String;
begin
  Result := AppFolder('') <> '';
  if not Result then
    MsgBox('Install {#DisplayName} {#AppVersion} first: the capture engine is added to its folder.', mbError, MB_OK)
  else if RegQueryStringValue(HKCU, AppKey(), 'DisplayVersion', Version) and (Version <> '{#AppVersion}') then
  begin
    MsgBox('This capture engine is for {#DisplayName} {#AppVersion}; version ' + Version +
           ' is installed. Use the capture engine of the same version.', mbError, MB_OK);
    Result := False;
  end;
end;
